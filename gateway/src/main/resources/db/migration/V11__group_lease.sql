-- Which gateway instance of a cluster (several gateways sharing one store and one MQTT service) holds each
-- enterprise (Sparkplug group). A lease is taken and renewed with single conditional statements; epoch grows by one
-- with every acquisition and is the fencing token: a facts write for a group checks, in its own transaction, that
-- the lease row still names the writer with the epoch the facts were gathered under (docs/architecture.md, Cluster).
-- Times are the database's clock in epoch milliseconds, so the gateways' clocks do not matter.
CREATE TABLE group_lease (
    group_id        VARCHAR(128) NOT NULL PRIMARY KEY,
    owner_id        VARCHAR(128) NOT NULL,
    epoch           BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    acquired_at     BIGINT NOT NULL
);
-- The live instances of a cluster, renewed with the leases: the share of groups each instance aims at is
-- the number of groups divided by the number of instances whose row has not expired.
CREATE TABLE gateway_instance (
    instance_id     VARCHAR(128) NOT NULL PRIMARY KEY,
    host_id         VARCHAR(128) NOT NULL,
    expires_at      BIGINT NOT NULL
);
