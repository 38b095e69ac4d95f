package io.floorlink.collector.inventory;

import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * The enterprise the inventory describes; its code is the Sparkplug group_id of its edge nodes.
 *
 * @param code enterprise code (Sparkplug group_id), never null
 * @param name display name, never null (defaults to the code)
 * @param timezone IANA zone used to show local times in reports; null means {@code Asia/Shanghai}
 */
public record Enterprise(String code, String name, String timezone) {
    public static final String DEFAULT_TIMEZONE = "Asia/Shanghai";

    public Enterprise {
        Ids.require("code", code);
        name = name == null || name.isBlank() ? code : name;
        timezone = timezone == null || timezone.isBlank() ? DEFAULT_TIMEZONE : timezone;
        try {
            ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(
                    "timezone '" + timezone + "' is not a time zone id (e.g. Asia/Shanghai, UTC)");
        }
    }

    /** The enterprise's time zone. */
    public ZoneId zone() {
        return ZoneId.of(timezone);
    }
}
