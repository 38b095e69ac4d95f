-- Month and hour profiles (issue 15, cold reports). Month profiles: a UTC month's day rollups of one point (point_day), one device
-- (device_day) or one state point (point_state_day) in one binary column, a slot per day of the month, so a report over
-- whole days reads one row per point and month instead of one per day. The layout is
-- io.floorlink.gateway.facts.DayProfile's (month version); the gateway's DayProfiles writes a device's month rows in
-- the transaction that marks one of its days (day_profile_mark), from the day rows as they are then, so a day slot
-- is never older than the day's mark.
CREATE TABLE point_month_profile (
    group_id        VARCHAR(128) NOT NULL,
    device_id       VARCHAR(128) NOT NULL,
    point_id        VARCHAR(256) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    days            BYTEA NOT NULL,
    CONSTRAINT point_month_profile_pk PRIMARY KEY (group_id, device_id, point_id, bucket)
);
CREATE TABLE device_month_profile (
    group_id        VARCHAR(128) NOT NULL,
    device_id       VARCHAR(128) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    days            BYTEA NOT NULL,
    CONSTRAINT device_month_profile_pk PRIMARY KEY (group_id, device_id, bucket)
);
CREATE TABLE point_state_month_profile (
    group_id        VARCHAR(128) NOT NULL,
    device_id       VARCHAR(128) NOT NULL,
    point_id        VARCHAR(256) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    days            BYTEA NOT NULL,
    CONSTRAINT point_state_month_profile_pk PRIMARY KEY (group_id, device_id, point_id, bucket)
);
-- Hour profiles of state points: a closed UTC hour's point_state_minute rows in one binary column, a slot per minute,
-- written with the day's profiles (same mark). The state time a report asks inside hours cut at minutes (a counter's
-- frozen part starts max_static after its static run; a window cut at seconds) reads one row per state point and
-- hour instead of one per minute and state value.
CREATE TABLE point_state_hour_profile (
    group_id        VARCHAR(128) NOT NULL,
    device_id       VARCHAR(128) NOT NULL,
    point_id        VARCHAR(256) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    minutes         BYTEA NOT NULL,
    CONSTRAINT point_state_hour_profile_pk PRIMARY KEY (group_id, device_id, point_id, bucket)
);
-- A mark written before this migration promises day profiles but no month rows: every device-day is built again
-- (the builder's rounds work through the last 62 days; reports read day rows meanwhile).
DELETE FROM day_profile_mark;
