package io.floorlink.sparkplug;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Payload of the primary host application's retained STATE message: UTF-8 JSON {@code {"online":
 * true|false, "timestamp": epochMillis}} (specification section 7.3). An edge node only births when the
 * host is online and the timestamp is not older than the last one it saw.
 *
 * @param online whether the host application is online
 * @param timestamp epoch milliseconds when the host published it
 */
public record StateMessage(boolean online, long timestamp) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public byte[] toJson() {
        return ("{\"online\":" + online + ",\"timestamp\":" + timestamp + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** @throws SparkplugException when the payload is not a STATE JSON object with both fields */
    public static StateMessage parse(byte[] payload) {
        try {
            JsonNode node = JSON.readTree(payload);
            if (node == null
                    || !node.path("online").isBoolean()
                    || !node.path("timestamp").canConvertToLong()) {
                throw new SparkplugException("STATE payload needs boolean 'online' and numeric 'timestamp'");
            }
            return new StateMessage(
                    node.get("online").booleanValue(), node.get("timestamp").longValue());
        } catch (IOException e) {
            throw new SparkplugException("STATE payload is not JSON", e);
        }
    }
}
