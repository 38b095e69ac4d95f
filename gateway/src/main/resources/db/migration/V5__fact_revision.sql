-- A counter per device and UTC day, raised by every write transaction that changes one of that day's point,
-- device or state rollups: live data, late data and historical replay alike. The collector caches what it derived
-- from a closed day and reads the day again when its counter moved. A day without a row has revision 0.
CREATE TABLE fact_revision (
    device_id       VARCHAR(128) NOT NULL,
    bucket          TIMESTAMP WITH TIME ZONE NOT NULL,
    revision        BIGINT NOT NULL,
    PRIMARY KEY (device_id, bucket)
);
