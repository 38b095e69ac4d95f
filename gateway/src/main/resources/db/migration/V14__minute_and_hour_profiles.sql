-- Minute profiles of state points and hour profiles of points and devices (issue 15, cold reports). Written with a
-- day's profiles under the same mark (day_profile_mark); layouts io.floorlink.gateway.facts.DayProfile's.
--
-- State minute profiles replace V13's state hour profiles: a closed UTC day's point_state_minute rows of one state
-- point in one binary column, a slot per minute of the day, run-length encoded (minute version). The state time a
-- report asks inside hours cut at minutes (a counter's frozen part starts max_static after its static run, every day;
-- a window cut at seconds) reads one row per state point and day in one index range per state point, where the hour
-- profiles took an index seek per cut hour.
CREATE TABLE point_state_minute_profile (
    group_id        VARCHAR(128) NOT NULL,
    device_id       VARCHAR(128) NOT NULL,
    point_id        VARCHAR(256) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    minutes         BYTEA NOT NULL,
    CONSTRAINT point_state_minute_profile_pk PRIMARY KEY (group_id, device_id, point_id, bucket)
);
DROP TABLE point_state_hour_profile;
-- Hour profiles of points and devices: a closed UTC hour's point_minute (device_minute) rows of one point (device) in
-- one binary column, a slot per minute (hour version). A window cut inside an hour reads one row per point and cut
-- hour instead of up to 60 minute rows.
CREATE TABLE point_hour_profile (
    group_id        VARCHAR(128) NOT NULL,
    device_id       VARCHAR(128) NOT NULL,
    point_id        VARCHAR(256) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    minutes         BYTEA NOT NULL,
    CONSTRAINT point_hour_profile_pk PRIMARY KEY (group_id, device_id, point_id, bucket)
);
CREATE TABLE device_hour_profile (
    group_id        VARCHAR(128) NOT NULL,
    device_id       VARCHAR(128) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    minutes         BYTEA NOT NULL,
    CONSTRAINT device_hour_profile_pk PRIMARY KEY (group_id, device_id, bucket)
);
-- A mark written before this migration promises hour profiles of states, none of these: every device-day is built
-- again (the builder's rounds work through the last 62 days; reports read minute rows meanwhile).
DELETE FROM day_profile_mark;
