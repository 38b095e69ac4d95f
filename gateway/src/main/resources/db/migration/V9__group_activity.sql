-- The latest facts of each Sparkplug group (enterprise), raised by every write transaction that stores rollups of the
-- group, so "last data received" of hundreds of enterprises is one indexed read instead of a seek per equipment.
CREATE TABLE group_activity (
    group_id        VARCHAR(128) NOT NULL PRIMARY KEY,
    -- the latest source time among the stored samples (a sample's timestamp; the minute when only counts are known)
    last_data_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    -- when a gateway last stored facts of the group (its clock)
    last_stored_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
