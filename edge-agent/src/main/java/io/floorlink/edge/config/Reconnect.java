package io.floorlink.edge.config;

import io.floorlink.sparkplug.mqtt.MqttClients;
import java.time.Duration;

/**
 * {@code reconnect:} exponential backoff (with jitter) between connection attempts, for the MQTT uplink and for
 * every connector.
 *
 * @param initialDelay first delay after a failed attempt or a lost session; default 1 s, positive
 * @param maxDelay upper bound of the delay; default 30 s, not below {@code initialDelay}
 */
public record Reconnect(Duration initialDelay, Duration maxDelay) {
    /** 1 s initial, 30 s max. */
    public static final Reconnect DEFAULT = new Reconnect(null, null);

    public Reconnect {
        initialDelay = initialDelay == null ? Duration.ofSeconds(1) : initialDelay;
        maxDelay = maxDelay == null ? Duration.ofSeconds(30) : maxDelay;
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("reconnect.initial_delay: must be positive");
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("reconnect.max_delay: must not be below initial_delay");
        }
    }

    /** The same backoff for an MQTT client (the uplink, an MQTT connector). */
    public MqttClients.Reconnect mqtt() {
        return new MqttClients.Reconnect(initialDelay, maxDelay);
    }
}
