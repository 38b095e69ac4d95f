package io.floorlink.collector.district;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.district.District.Acceptance;
import io.floorlink.collector.district.District.Contractor;
import io.floorlink.collector.district.District.EnterpriseEntry;
import io.floorlink.collector.district.District.Industry;
import io.floorlink.collector.district.District.Programme;
import io.floorlink.collector.district.District.Review;
import io.floorlink.collector.district.District.Status;
import io.floorlink.collector.inventory.Ids;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.InventoryLoader;
import io.floorlink.collector.inventory.YamlProblems;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the district registry ({@code district.yaml}: {@code programmes}, {@code industries}, {@code contractors},
 * {@code enterprises}, {@code reviews}; see the collector module README) and the inventory of each enterprise.
 * Every part is read on its own and references are checked across parts, so one load reports every problem: a
 * {@link ConfigException} with one line {@code file:line:column: field.path: problem} per problem, in file order.
 */
public final class DistrictLoader {
    private static final Set<String> KEYS = Set.of("programmes", "industries", "contractors", "enterprises", "reviews");
    /** Longest display name of a programme, industry, contractor or enterprise, in characters. */
    static final int MAX_NAME_LENGTH = 256;

    private DistrictLoader() {}

    record EnterpriseDoc(
            String code,
            String name,
            String industry,
            String contractor,
            String programme,
            String enrolledOn,
            AcceptanceDoc acceptance,
            String status,
            String retiredOn) {}

    record AcceptanceDoc(String from, String to) {}

    record ReviewDoc(String id, List<String> reviewers, List<String> enterprises) {}

    /**
     * Reads and validates a registry file. Blocks on file I/O.
     *
     * @throws ConfigException naming file, line, column and field of every problem
     */
    public static District load(Path file) {
        if (Files.notExists(file)) {
            throw new ConfigException(file + ": district registry not found");
        }
        return read(YamlConfig.tree(file));
    }

    /**
     * Parses and validates registry text.
     *
     * @param source name used in messages (the file name)
     * @param env lookup for {@code ${NAME}} references
     * @throws ConfigException naming source, line, column and field of every problem
     */
    public static District parse(String source, String text, Function<String, String> env) {
        return read(YamlConfig.tree(source, text, env));
    }

    /**
     * The inventory of every enterprise of the registry, active and retired, from {@code dir/<code>/inventory.yaml}.
     * Each must exist and name its enterprise's code as {@code enterprise.code}. Blocks on file I/O.
     *
     * @return inventories by enterprise code, in registry order
     * @throws ConfigException naming every file that is missing, wrong or of another enterprise
     */
    public static Map<String, Inventory> inventories(District district, Path dir) {
        return inventories(district.enterprises(), dir);
    }

    /**
     * The inventory of each of these enterprises, as {@link #inventories(District, Path)} reads them (e.g. only those
     * a reloaded registry adds).
     */
    public static Map<String, Inventory> inventories(List<EnterpriseEntry> enterprises, Path dir) {
        Map<String, Inventory> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (EnterpriseEntry e : enterprises) {
            Path file = inventoryFile(dir, e.code());
            try {
                Inventory inventory = InventoryLoader.load(file);
                if (!inventory.enterprise().code().equals(e.code())) {
                    problems.add(file + ": enterprise.code: '"
                            + inventory.enterprise().code() + "' is not the enterprise of this folder ('" + e.code()
                            + "' in the district registry)");
                    continue;
                }
                out.put(e.code(), inventory);
            } catch (ConfigException ex) {
                problems.add(ex.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("\n", problems));
        }
        return out;
    }

    /** Where an enterprise's inventory lives under the inventories folder. */
    public static Path inventoryFile(Path dir, String code) {
        return dir.resolve(code).resolve("inventory.yaml");
    }

    private static District read(YamlConfig.Tree tree) {
        YamlProblems problems = new YamlProblems();
        JsonNode root = tree.root();
        if (!root.isObject()) {
            throw tree.at("", "expected a map with programmes, industries, contractors, enterprises and reviews");
        }
        for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!KEYS.contains(key)) {
                problems.add(tree.at(
                        key,
                        "unknown key '" + key
                                + "' (known keys: contractors, enterprises, industries, programmes, reviews)"));
            }
        }
        List<Programme> programmes = problems.list(tree, root, "programmes", Programme.class);
        List<Industry> industries = problems.list(tree, root, "industries", Industry.class);
        List<Contractor> contractors = problems.list(tree, root, "contractors", Contractor.class);
        List<EnterpriseDoc> enterpriseDocs = problems.list(tree, root, "enterprises", EnterpriseDoc.class);
        List<ReviewDoc> reviewDocs = problems.list(tree, root, "reviews", ReviewDoc.class);

        Set<String> programmeIds = ids(tree, problems, "programmes", programmes, Programme::id, Programme::name, "id");
        Set<String> industryCodes =
                ids(tree, problems, "industries", industries, Industry::code, Industry::name, "code");
        Set<String> contractorIds =
                ids(tree, problems, "contractors", contractors, Contractor::id, Contractor::name, "id");
        if (enterpriseDocs.size() > District.MAX_ENTERPRISES) {
            problems.add(tree.at(
                    "enterprises",
                    enterpriseDocs.size() + " enterprises; one registry holds at most " + District.MAX_ENTERPRISES));
        }
        List<EnterpriseEntry> enterprises = new ArrayList<>();
        // Codes of every entry, valid or not otherwise: a review naming an entry with another problem is not wrong.
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < enterpriseDocs.size(); i++) {
            EnterpriseDoc d = enterpriseDocs.get(i);
            if (d == null) {
                continue;
            }
            String at = "enterprises[" + i + "]";
            if (d.code() != null && !codes.add(d.code())) {
                problems.add(tree.at(at + ".code", "duplicate enterprise code '" + d.code() + "'"));
                continue;
            }
            EnterpriseEntry e = enterprise(tree, problems, at, d, programmeIds, industryCodes, contractorIds);
            if (e != null) {
                enterprises.add(e);
            }
        }
        List<Review> reviews = new ArrayList<>();
        Set<String> reviewIds = new HashSet<>();
        for (int i = 0; i < reviewDocs.size(); i++) {
            ReviewDoc r = reviewDocs.get(i);
            if (r == null) {
                continue;
            }
            String at = "reviews[" + i + "]";
            boolean ok = id(tree, problems, at + ".id", r.id());
            if (ok && !reviewIds.add(r.id())) {
                problems.add(tree.at(at + ".id", "duplicate review id '" + r.id() + "'"));
                ok = false;
            }
            List<String> reviewers = r.reviewers() == null ? List.of() : r.reviewers();
            if (reviewers.isEmpty()) {
                problems.add(tree.at(at + ".reviewers", "required: the user names of the reviewers"));
                ok = false;
            }
            for (int k = 0; k < reviewers.size(); k++) {
                ok &= id(tree, problems, at + ".reviewers[" + k + "]", reviewers.get(k));
            }
            List<String> assigned = r.enterprises() == null ? List.of() : r.enterprises();
            if (assigned.isEmpty()) {
                problems.add(tree.at(at + ".enterprises", "required: the codes of the enterprises reviewed"));
                ok = false;
            }
            for (int k = 0; k < assigned.size(); k++) {
                if (!codes.contains(assigned.get(k))) {
                    problems.add(tree.at(
                            at + ".enterprises[" + k + "]",
                            "unknown enterprise '" + assigned.get(k) + "' (not in enterprises)"));
                    ok = false;
                }
            }
            if (ok) {
                reviews.add(new Review(r.id(), reviewers, assigned));
            }
        }
        problems.throwIfAny();
        return new District(programmes, industries, contractors, enterprises, reviews);
    }

    private static EnterpriseEntry enterprise(
            YamlConfig.Tree tree,
            YamlProblems problems,
            String at,
            EnterpriseDoc d,
            Set<String> programmes,
            Set<String> industries,
            Set<String> contractors) {
        boolean ok = id(tree, problems, at + ".code", d.code());
        ok &= name(tree, problems, at + ".name", d.name());
        ok &= reference(tree, problems, at + ".industry", d.industry(), industries, "industry", "industries", true);
        ok &= reference(
                tree, problems, at + ".contractor", d.contractor(), contractors, "contractor", "contractors", false);
        ok &= reference(tree, problems, at + ".programme", d.programme(), programmes, "programme", "programmes", true);
        LocalDate enrolled = date(tree, problems, at + ".enrolled_on", d.enrolledOn());
        Acceptance acceptance = null;
        if (d.acceptance() != null) {
            LocalDate from =
                    date(tree, problems, at + ".acceptance.from", d.acceptance().from());
            LocalDate to =
                    date(tree, problems, at + ".acceptance.to", d.acceptance().to());
            if (from == null || to == null) {
                if (d.acceptance().from() == null || d.acceptance().to() == null) {
                    problems.add(tree.at(at + ".acceptance", "needs both from and to (yyyy-mm-dd)"));
                }
                ok = false;
            } else if (to.isBefore(from)) {
                problems.add(tree.at(at + ".acceptance.to", "is before acceptance.from " + from));
                ok = false;
            } else {
                acceptance = new Acceptance(from, to);
            }
        }
        Status status = Status.ACTIVE;
        if (d.status() != null) {
            try {
                status = Status.valueOf(d.status().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(tree.at(at + ".status", "'" + d.status() + "' is not active or retired"));
                ok = false;
            }
        }
        LocalDate retired = date(tree, problems, at + ".retired_on", d.retiredOn());
        if (status == Status.RETIRED && retired == null && d.retiredOn() == null) {
            problems.add(tree.at(at + ".retired_on", "required for a retired enterprise (yyyy-mm-dd)"));
            ok = false;
        } else if (status == Status.ACTIVE && d.retiredOn() != null) {
            problems.add(tree.at(at + ".retired_on", "set for an active enterprise: set status: retired or remove it"));
            ok = false;
        }
        if (!ok || (d.enrolledOn() != null && enrolled == null) || (d.retiredOn() != null && retired == null)) {
            return null;
        }
        String name = d.name() == null || d.name().isBlank() ? d.code() : d.name();
        return new EnterpriseEntry(
                d.code(), name, d.industry(), d.contractor(), d.programme(), enrolled, acceptance, status, retired);
    }

    private static <T> Set<String> ids(
            YamlConfig.Tree tree,
            YamlProblems problems,
            String section,
            List<T> items,
            Function<T, String> id,
            Function<T, String> name,
            String field) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            T item = items.get(i);
            if (item == null) {
                continue;
            }
            String at = section + "[" + i + "]";
            if (id(tree, problems, at + "." + field, id.apply(item)) && !out.add(id.apply(item))) {
                problems.add(tree.at(at + "." + field, "duplicate " + field + " '" + id.apply(item) + "'"));
            }
            name(tree, problems, at + ".name", name.apply(item));
        }
        return out;
    }

    private static boolean id(YamlConfig.Tree tree, YamlProblems problems, String path, String value) {
        try {
            Ids.require(path.substring(path.lastIndexOf('.') + 1), value);
            return true;
        } catch (IllegalArgumentException e) {
            problems.add(tree.at(path, e.getMessage()));
            return false;
        }
    }

    private static boolean name(YamlConfig.Tree tree, YamlProblems problems, String path, String value) {
        if (value != null && value.length() > MAX_NAME_LENGTH) {
            problems.add(tree.at(path, value.length() + " characters; at most " + MAX_NAME_LENGTH));
            return false;
        }
        return true;
    }

    private static boolean reference(
            YamlConfig.Tree tree,
            YamlProblems problems,
            String path,
            String value,
            Set<String> known,
            String what,
            String section,
            boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                problems.add(tree.at(path, "required: the " + what + " of the enterprise (one of " + section + ")"));
            }
            return !required;
        }
        if (!known.contains(value)) {
            problems.add(tree.at(path, "unknown " + what + " '" + value + "' (not in " + section + ")"));
            return false;
        }
        return true;
    }

    private static LocalDate date(YamlConfig.Tree tree, YamlProblems problems, String path, String value) {
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            problems.add(tree.at(path, "'" + value + "' is not a date (yyyy-mm-dd)"));
            return null;
        }
    }
}
