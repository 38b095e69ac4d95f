package io.floorlink.collector.district;

import io.floorlink.collector.district.District.EnterpriseEntry;
import io.floorlink.collector.indicators.IndicatorService;
import io.floorlink.collector.inventory.Inventory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The enterprises a collector serves, each with its inventory and its own {@link IndicatorService} (bound to its
 * Sparkplug group, so it reads no other enterprise's facts). Thread-safe: {@link #replace} swaps one enterprise's
 * inventory and service without touching, blocking or rebuilding the others.
 */
public final class Enterprises {
    /**
     * One enterprise as served now.
     *
     * @param entry its registry entry, never null
     * @param inventory its inventory, never null
     * @param service its indicators, never null
     */
    public record Context(EnterpriseEntry entry, Inventory inventory, IndicatorService service) {}

    private final District district;
    private final Function<Inventory, IndicatorService> services;
    private final Map<String, Context> byCode = new ConcurrentHashMap<>();

    private Enterprises(District district, Function<Inventory, IndicatorService> services) {
        this.district = district;
        this.services = services;
    }

    /**
     * Builds the service of every enterprise of the registry.
     *
     * @param inventories the inventory of every enterprise of the registry, by code (as {@link
     *     DistrictLoader#inventories} reads them)
     * @param services makes the indicator service of an inventory (sharing one cache and data source), never null
     * @throws IllegalArgumentException when an enterprise has no inventory or one of another code
     */
    public static Enterprises of(
            District district, Map<String, Inventory> inventories, Function<Inventory, IndicatorService> services) {
        Enterprises out = new Enterprises(Objects.requireNonNull(district), Objects.requireNonNull(services));
        for (EnterpriseEntry e : district.enterprises()) {
            Inventory inventory = inventories.get(e.code());
            if (inventory == null) {
                throw new IllegalArgumentException("enterprise " + e.code() + " has no inventory");
            }
            out.put(e, inventory);
        }
        return out;
    }

    /** The registry served. */
    public District district() {
        return district;
    }

    /** The enterprise with this code, active or retired; empty when the registry has none. */
    public Optional<Context> get(String code) {
        return Optional.ofNullable(byCode.get(code));
    }

    /** Every enterprise, in registry order. */
    public List<Context> all() {
        List<Context> out = new ArrayList<>();
        for (EnterpriseEntry e : district.enterprises()) {
            out.add(byCode.get(e.code()));
        }
        return out;
    }

    /**
     * Serves a new inventory for one enterprise: builds its service and swaps it in; the other enterprises keep
     * theirs (and their cached figures).
     *
     * @return the enterprise as served from now on
     * @throws IllegalArgumentException when the registry has no such enterprise or the inventory names another one
     */
    public Context replace(String code, Inventory inventory) {
        EnterpriseEntry e = district.enterprise(code)
                .orElseThrow(() -> new IllegalArgumentException("unknown enterprise '" + code + "'"));
        return put(e, inventory);
    }

    private Context put(EnterpriseEntry e, Inventory inventory) {
        if (!inventory.enterprise().code().equals(e.code())) {
            throw new IllegalArgumentException("the inventory is of enterprise '"
                    + inventory.enterprise().code() + "', not of '" + e.code() + "'");
        }
        Context c = new Context(e, inventory, services.apply(inventory));
        byCode.put(e.code(), c);
        return c;
    }
}
