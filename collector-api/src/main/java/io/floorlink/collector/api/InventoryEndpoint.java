package io.floorlink.collector.api;

import io.floorlink.collector.audit.AuditLog;
import io.floorlink.collector.district.Enterprises;
import io.floorlink.collector.inventory.ImportError;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.InventoryDocument;
import io.floorlink.collector.inventory.InventoryImportException;
import io.floorlink.collector.inventory.InventoryLoader;
import io.floorlink.collector.inventory.Site;
import io.floorlink.collector.inventory.TabularInventoryReader;
import io.floorlink.collector.inventory.Workshop;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/inventory} (an enterprise's active inventory) and {@code POST /api/v1/inventory} (validate an
 * upload, write it to the enterprise's inventory file, then make it active). An import with any error changes
 * nothing; imports of one enterprise are serialised, other enterprises are not blocked by them.
 */
final class InventoryEndpoint {
    static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    private static final Logger LOG = LoggerFactory.getLogger(InventoryEndpoint.class);
    private static final Pattern PLACED = Pattern.compile("(?s)^(.+?):(\\d+):(\\d+): ([^:\\s]+): (.*)$");

    private final Access access;
    private final Tenancy tenancy;
    private final boolean enabled;
    private final AuditLog audit;
    private final Function<String, Path> files;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param access who may import: the admin, a programme administrator or the enterprise's contractor; without
     *     any such token POST is disabled (403)
     * @param tenancy which enterprise a request is about
     * @param enabled false disables POST (403) whatever the tokens
     * @param audit where every import attempt by a user who may import is recorded; null records nothing
     * @param files where an enterprise's accepted inventory is written (YAML), by code; a null result keeps it in
     *     memory only
     */
    InventoryEndpoint(Access access, Tenancy tenancy, boolean enabled, AuditLog audit, Function<String, Path> files) {
        this.access = access;
        this.tenancy = tenancy;
        this.enabled = enabled;
        this.audit = audit;
        this.files = files;
    }

    void get(Context ctx) {
        ctx.json(InventoryDocument.of(tenancy.require(ctx).inventory()));
    }

    void post(Context ctx) {
        if (!enabled || !access.adminConfigured()) {
            ctx.status(403)
                    .json(new ApiError(
                            "forbidden",
                            null,
                            "inventory import is disabled: no admin token is configured (http.admin_token in"
                                    + " collector.yaml, e.g. ${FLOORLINK_ADMIN_TOKEN})"));
            return;
        }
        Access.Principal who = Access.of(ctx);
        if (who.role() == Access.Role.ANONYMOUS) {
            ctx.header("WWW-Authenticate", "Bearer");
            ctx.status(401)
                    .json(new ApiError(
                            "unauthorized",
                            "Authorization",
                            "send the admin token as 'Authorization: Bearer <token>'"));
            return;
        }
        Enterprises.Context target = tenancy.require(ctx);
        if (!tenancy.mayImport(who, target.entry())) {
            ctx.status(403)
                    .json(new ApiError(
                            "forbidden",
                            "Authorization",
                            who.role() == Access.Role.REVIEWER
                                    ? "reviewer tokens are read-only; an inventory import needs the admin token"
                                    : who.name() + " may read but not import this enterprise's inventory; an import"
                                            + " needs the admin token or the enterprise's contractor"));
            return;
        }
        String code = target.code();
        Path file = files.apply(code);
        String type = ctx.contentType() == null
                ? ""
                : ctx.contentType().split(";")[0].trim().toLowerCase(Locale.ROOT);
        byte[] body = ctx.bodyAsBytes();
        synchronized (locks.computeIfAbsent(code, k -> new Object())) {
            Inventory base = tenancy.enterprises()
                    .get(code)
                    .map(Enterprises.Context::inventory)
                    .orElse(target.inventory());
            Inventory next;
            try {
                next = switch (type) {
                    case "application/yaml", "application/x-yaml", "text/yaml" -> yaml(body);
                    case "text/csv" -> TabularInventoryReader.equipmentCsv("equipment.csv", body, base);
                    case "application/zip", "application/x-zip-compressed" ->
                        TabularInventoryReader.zip("inventory.zip", body, base);
                    case XLSX -> TabularInventoryReader.xlsx("inventory.xlsx", body, base);
                    default -> null;
                };
                if (next != null
                        && !tenancy.enterprises().single()
                        && !next.enterprise().code().equals(code)) {
                    throw new InventoryImportException(List.of(new ImportError(
                            "inventory",
                            null,
                            0,
                            "enterprise.code",
                            "the upload is of enterprise '" + next.enterprise().code() + "', not of '" + code
                                    + "' (enterprise=" + code + ")")));
                }
            } catch (InventoryImportException e) {
                audit(
                        who,
                        code,
                        "refused",
                        type,
                        body,
                        Map.of("errors", e.errors().size()));
                refuse(ctx, e.errors());
                return;
            }
            if (next == null) {
                ctx.status(415)
                        .json(new ApiError(
                                "bad_parameter",
                                "Content-Type",
                                "unsupported Content-Type '" + type + "'; send application/yaml, text/csv (one"
                                        + " equipment CSV), application/zip (the CSV set) or " + XLSX));
                return;
            }
            write(file, next);
            tenancy.enterprises().replace(code, next);
            audit(
                    who,
                    code,
                    "accepted",
                    type,
                    body,
                    Map.of(
                            "enterprise",
                            next.enterprise().code(),
                            "equipment",
                            next.equipment().size(),
                            "inventory_sha256",
                            AuditLog.sha256(yamlOf(next))));
            LOG.info(
                    "Inventory replaced by an import ({}): {} equipment{}",
                    type,
                    next.equipment().size(),
                    file == null ? "" : ", written to " + file);
            ctx.json(summary(next, file));
        }
    }

    private void audit(
            Access.Principal who, String code, String result, String type, byte[] body, Map<String, ?> more) {
        if (audit == null) {
            return;
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("content_type", type);
        d.put("upload_bytes", body.length);
        d.put("upload_sha256", AuditLog.sha256(body));
        d.putAll(more);
        // A district of one keeps the target of before districts; a district names the enterprise.
        audit.append(
                who.name(),
                "inventory.import",
                tenancy.enterprises().single() ? "inventory" : "inventory:" + code,
                result,
                d);
    }

    private Inventory yaml(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            // Uploaded text never sees the collector's environment: ${NAME} must not read its secrets.
            return InventoryLoader.parse("inventory.yaml", text, name -> null);
        } catch (ConfigException e) {
            // One line per problem, each "file:line:column: path: problem".
            List<ImportError> errors = new ArrayList<>();
            for (String line : e.getMessage().split("\n")) {
                Matcher m = PLACED.matcher(line);
                errors.add(
                        m.matches()
                                ? new ImportError(
                                        m.group(1), null, Integer.parseInt(m.group(2)), m.group(4), m.group(5))
                                : new ImportError("inventory.yaml", null, 0, null, line));
            }
            throw new InventoryImportException(errors);
        }
    }

    private static String yamlOf(Inventory inventory) {
        try {
            return YamlConfig.mapper().writeValueAsString(InventoryDocument.of(inventory));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the inventory as YAML: " + e.getMessage(), e);
        }
    }

    /** Writes next to the file and moves it over, so a crash leaves the old or the new file, never half. */
    private static void write(Path file, Inventory inventory) {
        if (file == null) {
            return;
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                String yaml = "# Written by the FloorLink collector after an inventory import.\n" + yamlOf(inventory);
                Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the inventory file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void refuse(Context ctx, List<ImportError> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "invalid_inventory");
        body.put("parameter", null);
        body.put("message", errors.size() + " error(s); the active inventory is unchanged");
        body.put("errors", errors);
        ctx.status(400).json(body);
    }

    private static Map<String, Object> summary(Inventory inv, Path file) {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("calendars", inv.calendars().size());
        counts.put("sites", inv.sites().size());
        counts.put(
                "workshops",
                inv.sites().stream().mapToInt(s -> s.workshops().size()).sum());
        counts.put(
                "lines",
                inv.sites().stream()
                        .map(Site::workshops)
                        .flatMap(List::stream)
                        .mapToInt((Workshop w) -> w.lines().size())
                        .sum());
        counts.put("equipment", inv.equipment().size());
        counts.put(
                "points",
                inv.equipment().stream().mapToInt(e -> e.points().size()).sum());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "replaced");
        body.put("enterprise", inv.enterprise().code());
        body.put("counts", counts);
        body.put("written_to", file == null ? null : file.toString());
        return body;
    }
}
