-- Minute profiles of state points (issue 15, cold reports), replacing V13's hour profiles: a closed UTC day's
-- point_state_minute rows of one state point in one binary column, a slot per minute of the day, run-length encoded
-- (io.floorlink.gateway.facts.DayProfile, minute version), written with the day's profiles under the same mark
-- (day_profile_mark). The state time a report asks inside hours cut at minutes (a counter's frozen part starts
-- max_static after its static run, every day; a window cut at seconds) reads one row per state point and day in one
-- index range per state point, where the hour profiles took an index seek per cut hour.
CREATE TABLE point_state_minute_profile (
    group_id        VARCHAR(128) NOT NULL,
    device_id       VARCHAR(128) NOT NULL,
    point_id        VARCHAR(256) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    minutes         BYTEA NOT NULL,
    CONSTRAINT point_state_minute_profile_pk PRIMARY KEY (group_id, device_id, point_id, bucket)
);
DROP TABLE point_state_hour_profile;
-- A mark written before this migration promises hour profiles, not minute profiles: every device-day is built again
-- (the builder's rounds work through the last 62 days; reports read state minute rows meanwhile).
DELETE FROM day_profile_mark;
