-- Day profiles (issue 15, cold reports): a closed UTC day's 24 hour rollups of one point (point_hour), one device
-- (device_hour) or one state point (point_state_hour) in one binary column, so a report over whole hours of a day (a
-- shift calendar, the cut days of a window) reads one row per point and day instead of one per hour. The layout is
-- io.floorlink.gateway.facts.DayProfile's; the gateway's DayProfiles builds the rows once a day is over and again
-- after a late or historical write into it.
CREATE TABLE point_day_profile (
    group_id        VARCHAR(128) NOT NULL,
    device_id       VARCHAR(128) NOT NULL,
    point_id        VARCHAR(256) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    hours           BYTEA NOT NULL,
    CONSTRAINT point_day_profile_pk PRIMARY KEY (group_id, device_id, point_id, bucket)
);
CREATE TABLE device_day_profile (
    group_id        VARCHAR(128) NOT NULL,
    device_id       VARCHAR(128) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    hours           BYTEA NOT NULL,
    CONSTRAINT device_day_profile_pk PRIMARY KEY (group_id, device_id, bucket)
);
CREATE TABLE point_state_day_profile (
    group_id        VARCHAR(128) NOT NULL,
    device_id       VARCHAR(128) NOT NULL,
    point_id        VARCHAR(256) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    hours           BYTEA NOT NULL,
    CONSTRAINT point_state_day_profile_pk PRIMARY KEY (group_id, device_id, point_id, bucket)
);
-- Which device-days have profiles, built from the day's facts at fact_revision `revision`: a reader uses the
-- profiles of a device-day only while this equals the day's fact_revision (a later write raised it otherwise).
CREATE TABLE day_profile_mark (
    group_id        VARCHAR(128) NOT NULL,
    device_id       VARCHAR(128) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    revision        BIGINT NOT NULL,
    built_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT day_profile_mark_pk PRIMARY KEY (group_id, device_id, bucket)
);
-- The builder finds the device-days of recent UTC days without scanning every group's revisions.
CREATE INDEX fact_revision_bucket ON fact_revision (bucket);
