package io.floorlink.collector.inventory;

import java.util.List;
import java.util.Locale;

/**
 * A scope resolved against the inventory: the equipment an indicator is computed over.
 *
 * @param kind the level, never null
 * @param id the id at that level ({@code pilot} for the whole inventory), never null
 * @param name display name, never null
 * @param equipment the equipment in scope in inventory order, never null (may be empty)
 */
public record Scope(Kind kind, String id, String name, List<Equipment> equipment) {

    /** Scope levels, largest first. */
    public enum Kind {
        PILOT,
        ENTERPRISE,
        SITE,
        WORKSHOP,
        LINE,
        EQUIPMENT;

        /** Lowercase name as written in a scope parameter prefix ({@code line:L1}) and in JSON. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Scope {
        equipment = List.copyOf(equipment);
    }

    /** The scope as written in a request: {@code pilot} or {@code kind:id}. */
    public String expression() {
        return kind == Kind.PILOT ? "pilot" : kind.wireName() + ":" + id;
    }
}
