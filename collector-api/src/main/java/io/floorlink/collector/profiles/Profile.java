package io.floorlink.collector.profiles;

import io.floorlink.collector.indicators.Thresholds;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.config.ConfigFieldException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An acceptance profile (INDICATORS.md): the parameters of the indicators and the rules a scope must pass.
 * Versioned YAML, snake_case keys, loaded with {@link ProfileLoader}. Immutable; validated on construction.
 * Applying a profile never changes stored facts.
 *
 * @param id profile id, e.g. {@code miit-2024-level2}, never null
 * @param version profile version, never null
 * @param title display title; null means the id
 * @param minWindow shortest window an evaluation accepts; null means 0
 * @param thetaOnline θ_online of networked, 0..1; null means 0.90
 * @param thetaComplete θ_complete of networked, 0..1; null means 0.95
 * @param maxStatic longest time a variable point (process, energy, counter) may keep one value, per category
 *     wire name; categories not listed are never frozen
 * @param stateMaps per equipment type: how the raw values of the state point map to machine states
 * @param counts per equipment type: which counter points give the total and good counts of OEE
 * @param denominators which denominator rules use for networking_rate; null means the official one
 * @param rules the acceptance rules, ids unique, never null
 */
public record Profile(
        String id,
        String version,
        String title,
        Duration minWindow,
        Double thetaOnline,
        Double thetaComplete,
        Map<String, Duration> maxStatic,
        Map<String, StateMap> stateMaps,
        Map<String, CountMap> counts,
        Denominators denominators,
        List<Rule> rules) {

    /** Machine states of a state map. */
    public enum MachineState {
        OFF,
        IDLE,
        RUNNING,
        FAULT,
        SETUP;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static MachineState parse(String text) {
            for (MachineState s : values()) {
                if (s.wireName().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
            throw new IllegalArgumentException(
                    "unknown machine state '" + text + "' (allowed: off, idle, running, fault, setup)");
        }
    }

    public Profile {
        if (id == null || id.isBlank()) {
            throw new ConfigFieldException("id", "is required, e.g. miit-2024-level2");
        }
        if (version == null || version.isBlank()) {
            throw new ConfigFieldException("version", "is required, e.g. \"1\"");
        }
        title = title == null || title.isBlank() ? id : title;
        minWindow = minWindow == null ? Duration.ZERO : minWindow;
        if (minWindow.isNegative()) {
            throw new ConfigFieldException("min_window", "must not be negative");
        }
        Thresholds t;
        try {
            t = new Thresholds(thetaOnline, thetaComplete);
        } catch (IllegalArgumentException e) {
            throw new ConfigFieldException(
                    e.getMessage().startsWith("theta_online") ? "theta_online" : "theta_complete", e.getMessage());
        }
        thetaOnline = t.thetaOnline();
        thetaComplete = t.thetaComplete();
        maxStatic = maxStatic == null ? Map.of() : Map.copyOf(maxStatic);
        for (Map.Entry<String, Duration> e : maxStatic.entrySet()) {
            Category c;
            try {
                c = Category.parse(e.getKey());
            } catch (RuntimeException ex) {
                throw new ConfigFieldException("max_static." + e.getKey(), ex.getMessage());
            }
            if (c != Category.PROCESS && c != Category.ENERGY && c != Category.COUNTER) {
                throw new ConfigFieldException(
                        "max_static." + e.getKey(), "only variable categories (process, energy, counter) can freeze");
            }
            if (e.getValue() == null
                    || e.getValue().isNegative()
                    || e.getValue().isZero()) {
                throw new ConfigFieldException("max_static." + e.getKey(), "must be a positive duration, e.g. 10m");
            }
        }
        stateMaps = stateMaps == null ? Map.of() : Map.copyOf(stateMaps);
        counts = counts == null ? Map.of() : Map.copyOf(counts);
        denominators = denominators == null ? new Denominators(null) : denominators;
        rules = rules == null ? List.of() : List.copyOf(rules);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            if (r == null) {
                throw new ConfigFieldException("rules[" + i + "]", "is empty");
            }
            if (!seen.add(r.id())) {
                throw new ConfigFieldException("rules[" + i + "].id", "duplicate rule id '" + r.id() + "'");
            }
        }
    }

    /** θ_online and θ_complete of this profile. */
    public Thresholds thresholds() {
        return new Thresholds(thetaOnline, thetaComplete);
    }

    /** max_static per category; absent categories are never frozen. */
    public Map<Category, Duration> maxStaticByCategory() {
        Map<Category, Duration> out = new EnumMap<>(Category.class);
        maxStatic.forEach((k, v) -> out.put(Category.parse(k), v));
        return out;
    }

    /** The same profile with other θ values (collector.yaml {@code thresholds:} overrides the default profile). */
    public Profile withThresholds(Thresholds t) {
        return new Profile(
                id,
                version,
                title,
                minWindow,
                t.thetaOnline(),
                t.thetaComplete(),
                maxStatic,
                stateMaps,
                counts,
                denominators,
                rules);
    }

    /**
     * How the raw values of an equipment type's state point map to machine states.
     *
     * @param point the state point id; null means the equipment's first required point of category state
     * @param values raw value (as written, e.g. {@code "3"}) to machine state name, never empty
     * @param otherwise state of a raw value not listed; null means idle
     * @param source where the map comes from (e.g. OPC 40001 MachineryItemState), shown as evidence; nullable
     */
    public record StateMap(String point, Map<String, String> values, String otherwise, String source) {
        public StateMap {
            if (values == null || values.isEmpty()) {
                throw new IllegalArgumentException(
                        "values is required: raw state value -> off|idle|running|fault|setup");
            }
            Map<String, String> copy = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : values.entrySet()) {
                try {
                    Double.parseDouble(e.getKey());
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("values: raw state value '" + e.getKey() + "' is not a number");
                }
                copy.put(e.getKey(), MachineState.parse(e.getValue()).wireName());
            }
            values = Map.copyOf(copy);
            otherwise = otherwise == null
                    ? MachineState.IDLE.wireName()
                    : MachineState.parse(otherwise).wireName();
        }

        /** The machine state of a raw value. */
        public MachineState stateOf(double raw) {
            for (Map.Entry<String, String> e : values.entrySet()) {
                if (Double.parseDouble(e.getKey()) == raw) {
                    return MachineState.parse(e.getValue());
                }
            }
            return MachineState.parse(otherwise);
        }
    }

    /**
     * Which counter points give the counts of OEE for an equipment type: total = {@code total} or good + reject;
     * good = {@code good} or total - reject.
     *
     * @param total point counting every produced unit (e.g. shot_count); nullable
     * @param good point counting good units (e.g. ok_count); nullable
     * @param reject point counting rejected units (e.g. ng_count, reject_count); nullable
     */
    public record CountMap(String total, String good, String reject) {
        public CountMap {
            int given = (total != null ? 1 : 0) + (good != null ? 1 : 0) + (reject != null ? 1 : 0);
            if (given < 2) {
                throw new IllegalArgumentException(
                        "give two of total, good, reject (e.g. total: shot_count, reject: reject_count)");
            }
        }
    }

    /**
     * Denominators the rules use.
     *
     * @param networkingRate {@code production} (official: production equipment) or {@code digital_production}
     *     (variant); null means production
     */
    public record Denominators(String networkingRate) {
        public static final String PRODUCTION = "production";
        public static final String DIGITAL_PRODUCTION = "digital_production";

        public Denominators {
            networkingRate = networkingRate == null ? PRODUCTION : networkingRate;
            if (!networkingRate.equals(PRODUCTION) && !networkingRate.equals(DIGITAL_PRODUCTION)) {
                throw new IllegalArgumentException(
                        "networking_rate must be production or digital_production but was '" + networkingRate + "'");
            }
        }
    }

    /**
     * One acceptance rule.
     *
     * @param id rule id, unique in the profile, never null
     * @param title what the rule checks, for people; nullable
     * @param indicator the indicator id it reads: a scope indicator of {@code /indicators} (e.g.
     *     {@code networking_rate}, {@code partial_score}) at level scope, or a per-equipment indicator (e.g.
     *     {@code online_ratio}, {@code networked}) at the equipment levels
     * @param comparator one of {@code >=}, {@code >}, {@code <=}, {@code <}, {@code ==}
     * @param threshold the threshold (true = 1, false = 0 for {@code networked})
     * @param level {@code scope} (the scope figure), {@code production_equipment} or {@code key_equipment}
     *     (every such equipment in scope must pass); null means scope
     */
    public record Rule(String id, String title, String indicator, String comparator, Double threshold, String level) {
        public static final Set<String> LEVELS = Set.of("scope", "production_equipment", "key_equipment");
        public static final Set<String> COMPARATORS = Set.of(">=", ">", "<=", "<", "==");

        public Rule {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id is required");
            }
            if (indicator == null || indicator.isBlank()) {
                throw new IllegalArgumentException("indicator is required, e.g. networking_rate");
            }
            comparator = comparator == null ? ">=" : comparator.trim();
            if (!COMPARATORS.contains(comparator)) {
                throw new IllegalArgumentException(
                        "comparator must be one of >=, >, <=, <, == but was '" + comparator + "'");
            }
            if (threshold == null) {
                throw new IllegalArgumentException("threshold is required");
            }
            level = level == null ? "scope" : level;
            if (!LEVELS.contains(level)) {
                throw new IllegalArgumentException(
                        "level must be scope, production_equipment or key_equipment but was '" + level + "'");
            }
        }

        /** Whether a value passes; 1e-9 of rounding is tolerated. */
        public boolean passes(double value) {
            double eps = 1e-9;
            return switch (comparator) {
                case ">=" -> value >= threshold - eps;
                case ">" -> value > threshold + eps;
                case "<=" -> value <= threshold + eps;
                case "<" -> value < threshold - eps;
                default -> Math.abs(value - threshold) <= eps;
            };
        }
    }
}
