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
 *
 * <p>A collector configured with a single {@code inventory:} serves a <em>district of one</em> ({@link #single}):
 * its registry is made from the inventory's enterprise block, and an import may replace that enterprise by another
 * one (as before districts existed).
 */
public final class Enterprises {
    /**
     * One enterprise as served now.
     *
     * @param entry its registry entry, never null
     * @param inventory its inventory, never null
     * @param service its indicators, never null
     */
    public record Context(EnterpriseEntry entry, Inventory inventory, IndicatorService service) {
        /** The enterprise code (= Sparkplug group). */
        public String code() {
            return entry.code();
        }
    }

    private final boolean single;
    private final Function<Inventory, IndicatorService> services;
    private final Map<String, Context> byCode = new ConcurrentHashMap<>();
    private volatile District district;

    private Enterprises(boolean single, District district, Function<Inventory, IndicatorService> services) {
        this.single = single;
        this.district = Objects.requireNonNull(district, "district");
        this.services = Objects.requireNonNull(services, "services");
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
        Enterprises out = new Enterprises(false, district, services);
        for (EnterpriseEntry e : district.enterprises()) {
            Inventory inventory = inventories.get(e.code());
            if (inventory == null) {
                throw new IllegalArgumentException("enterprise " + e.code() + " has no inventory");
            }
            out.put(e, inventory);
        }
        return out;
    }

    /**
     * A district of one: the enterprise of {@code inventory}, registered under its own code and name.
     *
     * @param services makes the indicator service of an inventory, never null
     */
    public static Enterprises single(Inventory inventory, Function<Inventory, IndicatorService> services) {
        EnterpriseEntry entry = entryOf(inventory);
        Enterprises out = new Enterprises(true, registryOf(entry), services);
        out.put(entry, inventory);
        return out;
    }

    /** A district of one around a service built elsewhere; {@link #replace} rebuilds nothing (it is refused). */
    public static Enterprises single(IndicatorService service) {
        return single(service.inventory(), inv -> {
            if (inv != service.inventory()) {
                throw new IllegalStateException("this collector serves a fixed indicator service");
            }
            return service;
        });
    }

    /** Whether this is the district of one of a single-inventory collector. */
    public boolean single() {
        return single;
    }

    /** The registry served now. */
    public District district() {
        return district;
    }

    /** The enterprise with this code, active or retired; empty when the registry has none. */
    public Optional<Context> get(String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(byCode.get(code));
    }

    /** Every enterprise, in registry order. */
    public List<Context> all() {
        List<Context> out = new ArrayList<>();
        for (EnterpriseEntry e : district.enterprises()) {
            Context c = byCode.get(e.code());
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * Serves a new inventory for one enterprise: builds its service and swaps it in; the other enterprises keep
     * theirs (and their cached figures). In a district of one the inventory may name another enterprise: it then
     * replaces the one served.
     *
     * @return the enterprise as served from now on
     * @throws IllegalArgumentException when the registry has no such enterprise or the inventory names another one
     */
    public Context replace(String code, Inventory inventory) {
        if (single) {
            synchronized (this) {
                EnterpriseEntry entry = entryOf(inventory);
                Context c = new Context(entry, inventory, services.apply(inventory));
                district = registryOf(entry);
                byCode.put(entry.code(), c);
                byCode.keySet().removeIf(k -> !k.equals(entry.code()));
                return c;
            }
        }
        EnterpriseEntry e = district.enterprise(code)
                .orElseThrow(() -> new IllegalArgumentException("unknown enterprise '" + code + "'"));
        if (!inventory.enterprise().code().equals(e.code())) {
            throw new IllegalArgumentException("the inventory is of enterprise '"
                    + inventory.enterprise().code() + "', not of '" + e.code() + "'");
        }
        IndicatorService service = services.apply(inventory);
        // the entry as a registry reload may have changed it meanwhile
        synchronized (this) {
            Context c = new Context(district.enterprise(code).orElse(e), inventory, service);
            byCode.put(code, c);
            return c;
        }
    }

    /**
     * What a {@link #reload} changed.
     *
     * @param added codes new in the registry
     * @param retired codes active before and retired now
     * @param changed codes whose registry entry changed otherwise (name, contractor, acceptance, ...)
     */
    public record Reloaded(List<String> added, List<String> retired, List<String> changed) {}

    /**
     * Serves a new registry: enterprises new in it get their inventory and service; the others keep their inventory,
     * service and cached figures and take their new entry (a retired enterprise stays readable by its code). An
     * enterprise may be retired but never removed: its facts and history stay.
     *
     * @param inventories the inventory of every enterprise new in {@code next}, by code (others are not read)
     * @throws IllegalArgumentException naming the codes the new registry drops or the new enterprises without an
     *     inventory; nothing changes then
     * @throws IllegalStateException for a district of one (it has no registry file)
     */
    public synchronized Reloaded reload(District next, Map<String, Inventory> inventories) {
        if (single) {
            throw new IllegalStateException("a collector of one inventory has no district registry to reload");
        }
        Map<String, EnterpriseEntry> now = district.byCode();
        Map<String, EnterpriseEntry> then = next.byCode();
        List<String> dropped =
                now.keySet().stream().filter(c -> !then.containsKey(c)).toList();
        if (!dropped.isEmpty()) {
            throw new IllegalArgumentException("enterprises: " + dropped
                    + " are missing from the new registry; retire an enterprise (status: retired, retired_on) instead"
                    + " of removing it: its facts and history stay");
        }
        List<String> added =
                then.keySet().stream().filter(c -> !now.containsKey(c)).toList();
        List<String> without =
                added.stream().filter(c -> !inventories.containsKey(c)).toList();
        if (!without.isEmpty()) {
            throw new IllegalArgumentException("enterprises " + without + " have no inventory");
        }
        Map<String, Context> built = new java.util.LinkedHashMap<>();
        for (String code : added) {
            Inventory inventory = inventories.get(code);
            if (!inventory.enterprise().code().equals(code)) {
                throw new IllegalArgumentException("the inventory of " + code + " is of enterprise '"
                        + inventory.enterprise().code() + "'");
            }
            built.put(code, new Context(then.get(code), inventory, services.apply(inventory)));
        }
        List<String> retired = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, EnterpriseEntry> e : now.entrySet()) {
            EnterpriseEntry after = then.get(e.getKey());
            if (after.equals(e.getValue())) {
                continue;
            }
            if (e.getValue().active() && !after.active()) {
                retired.add(e.getKey());
            } else {
                changed.add(e.getKey());
            }
            Context c = byCode.get(e.getKey());
            byCode.put(e.getKey(), new Context(after, c.inventory(), c.service()));
        }
        byCode.putAll(built);
        district = next;
        return new Reloaded(added, List.copyOf(retired), List.copyOf(changed));
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

    private static EnterpriseEntry entryOf(Inventory inventory) {
        var enterprise = inventory.enterprise();
        String name = enterprise.name() == null || enterprise.name().isBlank() ? enterprise.code() : enterprise.name();
        return new EnterpriseEntry(enterprise.code(), name, "", null, "", null, null, District.Status.ACTIVE, null);
    }

    private static District registryOf(EnterpriseEntry entry) {
        return new District(List.of(), List.of(), List.of(), List.of(entry), List.of());
    }
}
