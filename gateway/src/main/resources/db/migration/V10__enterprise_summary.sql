-- The collector's programme-view row of each enterprise (Sparkplug group) over its default period, computed in the
-- background and kept here so a restarted collector lists hundreds of enterprises without recomputing them. The
-- collector writes and reads it; the gateway never does. A row is valid for its period, profile and inventory
-- while the group's fact revisions over the period still sum to revision_stamp.
CREATE TABLE enterprise_summary (
    group_id        VARCHAR(128) NOT NULL PRIMARY KEY,
    -- the local days [period_from, period_to] of the enterprise's zone
    period_from     DATE NOT NULL,
    period_to       DATE NOT NULL,
    -- profile id@version and a digest of the profile and of the inventory the row was computed with
    profile_key     VARCHAR(256) NOT NULL,
    inventory_key   VARCHAR(64) NOT NULL,
    -- SUM(revision) ':' COUNT(*) of fact_revision over the UTC days the period touches, read before the facts
    revision_stamp  VARCHAR(64) NOT NULL,
    computed_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    -- the computed part of the row (counts, figures, verdict, data trust, window) as JSON
    row_json        TEXT NOT NULL
);
