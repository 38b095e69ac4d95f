package io.floorlink.collector.indicators;

import io.floorlink.collector.inventory.Equipment;
import io.floorlink.sparkplug.Category;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The items of the MIIT 2024 table that device data can evidence (INDICATORS.md), with the partial score they
 * add up to. Never a level by itself.
 *
 * @param items scored items (设备数字化, 设备联网, 数据采集 steps) with points and evidence
 * @param scenarios scenario evidence (not scored here), each met or not with the reason
 * @param partialScore sum of the items' points
 * @param maxPartialScore the most these items can give
 * @param disclaimer what the score is not, always shown with it
 */
public record Assessment2024(
        List<Item> items, List<Scenario> scenarios, double partialScore, double maxPartialScore, String disclaimer) {

    static final String DISCLAIMER = "Evidence-backed partial score from device data only; never a level by itself:"
            + " the level also depends on management and outcome items that are not device data. The point bands"
            + " and the level-2 rule (total >= 40 and >= 6 scenarios at level >= 2, of which >= 3 约束性) come from"
            + " public implementations of the 2024 table, not from the official text.";

    static final double STEP_POINTS = 0.7;

    /**
     * A scored item.
     *
     * @param id item id, e.g. {@code equipment_networking}
     * @param name official item name
     * @param official true: an item of the official table
     * @param points points given
     * @param maxPoints most points the item gives
     * @param basis the figure or rule the points come from
     * @param evidence equipment and points that decided it
     */
    public record Item(
            String id,
            String name,
            boolean official,
            double points,
            double maxPoints,
            String basis,
            List<String> evidence) {}

    /**
     * A scenario whose device-data part is evidenced.
     *
     * @param id scenario id
     * @param name official scenario name and level
     * @param met whether the device-data part holds
     * @param reason why (or why not)
     * @param evidence equipment ids that decided it
     */
    public record Scenario(String id, String name, boolean met, String reason, List<String> evidence) {}

    /** Points of a rate in the 2024 bands [0,10%]=0, (10,20]=1.5, (20,40]=3, (40,60]=4.5, (60,100]=6. */
    static double band(Double rate) {
        if (rate == null || rate <= 0.10 + 1e-12) {
            return 0;
        }
        if (rate <= 0.20 + 1e-12) {
            return 1.5;
        }
        if (rate <= 0.40 + 1e-12) {
            return 3;
        }
        if (rate <= 0.60 + 1e-12) {
            return 4.5;
        }
        return 6;
    }

    private record Step(String id, String name, Set<Category> anyOf, boolean all) {}

    private static final List<Step> STEPS = List.of(
            new Step(
                    "data_collection.equipment_management",
                    "数据采集: 设备管理",
                    EnumSet.of(Category.STATE, Category.ALARM),
                    true),
            new Step(
                    "data_collection.production_control",
                    "数据采集: 生产管控",
                    EnumSet.of(Category.COUNTER, Category.PROCESS),
                    false),
            new Step("data_collection.quality_management", "数据采集: 质量管理", EnumSet.of(Category.QUALITY), false),
            new Step("data_collection.energy_management", "数据采集: 能耗管理", EnumSet.of(Category.ENERGY), false),
            new Step("data_collection.safety_production", "数据采集: 安全生产", EnumSet.of(Category.SAFETY), false));

    static Assessment2024 of(List<Equipment> inventory, List<EquipmentIndicators> all, Map<String, Figure> scope) {
        Map<String, Equipment> byId = new LinkedHashMap<>();
        inventory.forEach(e -> byId.put(e.id(), e));
        List<Item> items = new ArrayList<>();
        Figure dig = scope.get("digitalization_rate");
        Figure net = scope.get("networking_rate");
        items.add(new Item(
                "equipment_digitalization",
                "设备数字化",
                true,
                band(dig.value()),
                6,
                "digitalization_rate " + fmt(dig.value()) + " in bands [0,10%]=0, (10,20]=1.5, (20,40]=3, (40,60]=4.5,"
                        + " (60,100]=6",
                List.of(dig.numerator() + " of " + dig.denominator() + " production equipment declared digital")));
        items.add(new Item(
                "equipment_networking",
                "设备联网",
                true,
                band(net.value()),
                6,
                "networking_rate " + fmt(net.value()) + " (official denominator), same bands",
                all.stream()
                        .filter(e -> e.production() && e.networked().value())
                        .map(EquipmentIndicators::id)
                        .toList()));
        for (Step step : STEPS) {
            // A networked equipment (so completeness >= θ_complete) delivering a covered point of the category.
            Map<Category, List<String>> found = new LinkedHashMap<>();
            for (EquipmentIndicators e : all) {
                if (!e.networked().value()) {
                    continue;
                }
                for (var p : byId.get(e.id()).points()) {
                    if (step.anyOf().contains(p.category())) {
                        found.computeIfAbsent(p.category(), k -> new ArrayList<>())
                                .add(e.id() + "/" + p.id());
                    }
                }
            }
            boolean counts = step.all() ? found.keySet().containsAll(step.anyOf()) : !found.isEmpty();
            List<String> evidence = new ArrayList<>();
            found.values().forEach(evidence::addAll);
            items.add(new Item(
                    step.id(),
                    step.name(),
                    true,
                    counts ? STEP_POINTS : 0,
                    STEP_POINTS,
                    "at least one networked equipment (completeness >= θ_complete) delivers "
                            + (step.all() ? "points of every category of " : "a point of ")
                            + step.anyOf().stream().map(Category::wireName).toList(),
                    evidence));
        }

        List<Scenario> scenarios = new ArrayList<>();
        List<EquipmentIndicators> key =
                all.stream().filter(e -> e.production() && e.key()).toList();
        List<String> keyMissing = key.stream()
                .filter(e -> !e.networked().value() || e.oee().value() == null)
                .map(EquipmentIndicators::id)
                .toList();
        scenarios.add(new Scenario(
                "equipment_management.level3",
                "设备管理 level 3: real-time key parameters for all key equipment + OEE",
                !key.isEmpty() && keyMissing.isEmpty(),
                key.isEmpty()
                        ? "no key production equipment in scope"
                        : keyMissing.isEmpty()
                                ? "every key equipment is networked with OEE computable"
                                : "not networked or OEE not measurable: " + keyMissing,
                key.stream().map(EquipmentIndicators::id).toList()));
        List<String> energy = withCategory(all, byId, Category.ENERGY, false);
        List<String> energyRealtime = withCategory(all, byId, Category.ENERGY, true);
        List<String> energyDeclared = all.stream()
                .filter(e -> byId.get(e.id()).points().stream().anyMatch(p -> p.category() == Category.ENERGY))
                .map(EquipmentIndicators::id)
                .toList();
        scenarios.add(new Scenario(
                "energy_management.level2",
                "能耗管理 level 2: energy points collected",
                !energy.isEmpty(),
                energy.isEmpty()
                        ? "no networked equipment delivers an energy point"
                        : "energy collected from " + energy,
                energy));
        boolean perMachine = !energyDeclared.isEmpty() && energyRealtime.containsAll(energyDeclared);
        scenarios.add(new Scenario(
                "energy_management.level3",
                "能耗管理 level 3: energy collected in real time per machine",
                perMachine,
                perMachine
                        ? "every equipment with an energy point is networked with real-time latency p95 <= 60 s"
                        : "equipment with an energy point but not networked in real time: "
                                + energyDeclared.stream()
                                        .filter(id -> !energyRealtime.contains(id))
                                        .toList(),
                energyRealtime));
        List<String> process = withCategory(all, byId, Category.PROCESS, false);
        List<String> counts = withCategory(all, byId, Category.COUNTER, false);
        List<String> both = process.stream().filter(counts::contains).toList();
        scenarios.add(new Scenario(
                "production_control.level3",
                "生产管控 level 3: process parameters collected with work counts",
                !both.isEmpty(),
                both.isEmpty()
                        ? "no networked equipment delivers both process and counter points"
                        : "process parameters with counts from " + both,
                both));
        List<String> quality = withCategory(all, byId, Category.QUALITY, false);
        scenarios.add(new Scenario(
                "quality_management.level2",
                "质量管理 level 2: quality points collected",
                !quality.isEmpty(),
                quality.isEmpty() ? "no networked equipment delivers a quality point" : "quality from " + quality,
                quality));

        double score = items.stream().mapToDouble(Item::points).sum();
        double max = items.stream().mapToDouble(Item::maxPoints).sum();
        return new Assessment2024(items, scenarios, Math.round(score * 100) / 100.0, max, DISCLAIMER);
    }

    /** Networked equipment with a covered required point of the category (and latency p95 <= 60 s if realtime). */
    private static List<String> withCategory(
            List<EquipmentIndicators> all, Map<String, Equipment> byId, Category c, boolean realtime) {
        List<String> out = new ArrayList<>();
        for (EquipmentIndicators e : all) {
            if (!e.networked().value() || byId.get(e.id()).points().stream().noneMatch(p -> p.category() == c)) {
                continue;
            }
            if (realtime && (e.latencyP95().value() == null || e.latencyP95().value() > 60_000)) {
                continue;
            }
            out.add(e.id());
        }
        return out;
    }

    private static String fmt(Double v) {
        return v == null ? "not measurable" : String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
