package io.floorlink.gateway.cluster;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.floorlink.sparkplug.Topic;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * {@code gateway.cluster}: several gateways share one facts store and one MQTT service, and each serves the
 * enterprises (Sparkplug groups) it holds a lease for ({@code group_lease}, migration V11). Validated on
 * construction; messages name the field.
 *
 * @param instanceId this gateway's name in the cluster, never null: stable across its restarts and unique in the
 *     cluster (e.g. the machine or pod name); letters, digits, {@code . _ -}, at most 64 characters
 * @param leaseTtl how long a lease lasts without renewal: a gateway that dies loses its groups after at most
 *     this; null means 15 s; at least 500 ms
 * @param renewInterval how often leases are renewed and free groups taken; null means 5 s; at most half of
 *     {@code leaseTtl}
 * @param groups the group ids this cluster serves, never null or empty; every gateway of a cluster lists the same
 */
public record ClusterConfig(
        @JsonProperty("instance_id") String instanceId,
        @JsonProperty("lease_ttl") Duration leaseTtl,
        @JsonProperty("renew_interval") Duration renewInterval,
        @JsonProperty("groups") List<String> groups) {

    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_RENEW_INTERVAL = Duration.ofSeconds(5);

    public ClusterConfig {
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("gateway.cluster.instance_id is required: a name that stays the same"
                    + " across restarts of this gateway and differs from the other gateways' (e.g. the host or pod"
                    + " name)");
        }
        if (!instanceId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("gateway.cluster.instance_id must be 1 to 64 letters, digits, '.', '_'"
                    + " or '-' but was '" + instanceId + "'");
        }
        leaseTtl = leaseTtl == null ? DEFAULT_LEASE_TTL : leaseTtl;
        if (leaseTtl.toMillis() < 500) {
            throw new IllegalArgumentException("gateway.cluster.lease_ttl must be at least 500ms but was " + leaseTtl);
        }
        renewInterval = renewInterval == null ? DEFAULT_RENEW_INTERVAL : renewInterval;
        if (renewInterval.toMillis() < 1 || renewInterval.multipliedBy(2).compareTo(leaseTtl) > 0) {
            throw new IllegalArgumentException("gateway.cluster.renew_interval must be positive and at most half of"
                    + " lease_ttl (" + leaseTtl + ") but was " + renewInterval);
        }
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException(
                    "gateway.cluster.groups must list the group ids (enterprises) the cluster serves");
        }
        for (String g : groups) {
            Topic.requireId("gateway.cluster.groups", g);
        }
        groups = List.copyOf(new LinkedHashSet<>(groups));
    }
}
