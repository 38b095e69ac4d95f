-- When each primary host last wrote to the store. At start, sessions left open by a previous run are closed
-- at this time (end_reason platform_restart) instead of at the restart time.
CREATE TABLE gateway_heartbeat (
    host_id         VARCHAR(128) NOT NULL PRIMARY KEY,
    seen_at         TIMESTAMP WITH TIME ZONE NOT NULL
);
