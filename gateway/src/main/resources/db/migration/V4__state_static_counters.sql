-- Facts for the utilisation, frozen and counter indicators (INDICATORS.md). Still facts, never ratios: the
-- state map, max_static and the ideal cycle time are profile and inventory parameters applied by the collector.

-- Counter points (category counter, energy counters): the increase of the value inside the bucket, by source
-- time. A negative step is a reset: it adds the new value, never a negative amount. Additive like the rest.
ALTER TABLE point_minute ADD COLUMN value_increase DOUBLE PRECISION;
ALTER TABLE point_hour ADD COLUMN value_increase DOUBLE PRECISION;
ALTER TABLE point_day ADD COLUMN value_increase DOUBLE PRECISION;

-- Time spent in each raw value of a state point (category state), by source time: a good sample's value holds
-- until the next sample of the point or until the device session ends. Additive (millis add).
CREATE TABLE point_state_minute (
    device_id       VARCHAR(128) NOT NULL,
    point_id        VARCHAR(256) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    state_value     DOUBLE PRECISION NOT NULL,
    millis          BIGINT NOT NULL,
    PRIMARY KEY (device_id, point_id, bucket, state_value)
);
CREATE TABLE point_state_hour (
    device_id       VARCHAR(128) NOT NULL,
    point_id        VARCHAR(256) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    state_value     DOUBLE PRECISION NOT NULL,
    millis          BIGINT NOT NULL,
    PRIMARY KEY (device_id, point_id, bucket, state_value)
);
CREATE TABLE point_state_day (
    device_id       VARCHAR(128) NOT NULL,
    point_id        VARCHAR(256) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    state_value     DOUBLE PRECISION NOT NULL,
    millis          BIGINT NOT NULL,
    PRIMARY KEY (device_id, point_id, bucket, state_value)
);

-- Runs of an unchanged good value of a variable point (category process, energy, counter) lasting at least
-- 60 s: started_at is the source time of the first sample with the value, ended_at the source time of the
-- sample that changed it, of a bad sample, or the device session end. While a run is open, ended_at is the
-- latest sample with the value and is_open is true. Refreshes of an unchanged value extend a run.
CREATE TABLE point_static_run (
    device_id       VARCHAR(128) NOT NULL,
    point_id        VARCHAR(256) NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    static_value    DOUBLE PRECISION,
    is_open         BOOLEAN NOT NULL,
    PRIMARY KEY (device_id, point_id, started_at)
);
CREATE INDEX point_static_run_end ON point_static_run (device_id, ended_at);
