package io.floorlink.collector.inventory;

import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * The enterprise the inventory describes; its code is the Sparkplug group_id of its edge nodes.
 *
 * @param code enterprise code (Sparkplug group_id), never null
 * @param name display name, never null (defaults to the code)
 * @param timezone IANA zone used to show local times in reports and the default zone of calendars; null means
 *     {@code Asia/Shanghai}
 * @param calendar id of the shift calendar of all equipment unless a lower level names another; null means no
 *     calendar (scheduled time = the whole window)
 */
public record Enterprise(String code, String name, String timezone, String calendar) {
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
        calendar = Line.blankToNull(calendar);
    }

    public Enterprise(String code, String name, String timezone) {
        this(code, name, timezone, null);
    }

    /** The enterprise's time zone. */
    public ZoneId zone() {
        return ZoneId.of(timezone);
    }
}
