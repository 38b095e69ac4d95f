package io.floorlink.edge.buffer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.floorlink.sparkplug.config.ConfigEnums;

/** What the buffer gives up when it reaches {@code buffer.max_size}; every dropped record is counted. */
public enum Overflow {
    /** Delete the oldest records to make room for new ones (default): recent data matters most. */
    DROP_OLDEST,
    /** Keep what is buffered and refuse new records until there is room again. */
    DROP_NEWEST;

    @JsonCreator
    public static Overflow parse(String text) {
        return ConfigEnums.parse(Overflow.class, text, "overflow policy");
    }

    /** The lowercase configuration name. */
    @JsonValue
    public String wireName() {
        return ConfigEnums.name(this);
    }
}
