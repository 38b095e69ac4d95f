-- Which durable-buffer records (MetricNames.PROP_RID) of an edge node the host has folded into the facts, as
-- closed ranges [rid_from, rid_to]. Written in the same transaction as the rollups they contributed to, so a
-- record replayed after an edge restart, a broker redelivery or a gateway restart is counted once.
CREATE TABLE edge_receipt (
    group_id        VARCHAR(128) NOT NULL,
    edge_node_id    VARCHAR(128) NOT NULL,
    buffer_epoch    VARCHAR(64) NOT NULL,
    rid_from        BIGINT NOT NULL,
    rid_to          BIGINT NOT NULL,
    PRIMARY KEY (group_id, edge_node_id, buffer_epoch, rid_from)
);
