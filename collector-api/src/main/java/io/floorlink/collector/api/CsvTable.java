package io.floorlink.collector.api;

import io.floorlink.sparkplug.config.Durations;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A table answered as CSV: UTF-8 with a byte order mark (so Excel reads Chinese text right), CRLF line ends and
 * RFC 4180 quoting. Any list or table endpoint can answer CSV with it:
 *
 * <pre>{@code
 * if (CsvTable.wanted(ctx)) {
 *     CsvTable t = new CsvTable("id", "name");
 *     rows.forEach(r -> t.row(r.id(), r.name()));
 *     t.send(ctx, "equipment");
 * } else {
 *     ctx.json(body);
 * }
 * }</pre>
 *
 * Not thread-safe; build one per request.
 */
public final class CsvTable {
    /** Media type of the answer. */
    public static final String CONTENT_TYPE = "text/csv; charset=utf-8";

    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();

    /** @param columns column names, the header row */
    public CsvTable(String... columns) {
        this.columns = List.of(columns);
    }

    /** @param columns column names, the header row */
    public CsvTable(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    /**
     * Adds a row. Values are written as text: null as empty, durations as in configuration ({@code 1s}), collections
     * joined with {@code ;}, everything else by {@code toString()}.
     *
     * @throws IllegalArgumentException if the number of values differs from the number of columns
     */
    public CsvTable row(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(
                    "row has " + values.length + " values for " + columns.size() + " columns");
        }
        List<String> row = new ArrayList<>(values.length);
        for (Object v : values) {
            row.add(text(v));
        }
        rows.add(row);
        return this;
    }

    /** The CSV text, starting with a byte order mark. */
    public String render() {
        StringBuilder b = new StringBuilder("\uFEFF");
        line(b, columns);
        rows.forEach(r -> line(b, r));
        return b.toString();
    }

    /** Answers the table: 200, {@code text/csv; charset=utf-8}, as an attachment {@code name.csv}. */
    public void send(Context ctx, String name) {
        ctx.contentType(CONTENT_TYPE);
        ctx.header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
        ctx.result(render());
    }

    /**
     * Whether the request asks for CSV: {@code ?format=csv}, or no {@code format} and an {@code Accept} header that
     * names {@code text/csv}.
     *
     * @throws BadParameterException for a {@code format} other than {@code json} or {@code csv}
     */
    public static boolean wanted(Context ctx) {
        String format = ctx.queryParam("format");
        if (format != null && !format.isBlank()) {
            return switch (format.trim().toLowerCase(Locale.ROOT)) {
                case "csv" -> true;
                case "json" -> false;
                default ->
                    throw new BadParameterException(
                            "format", "unknown format '" + format + "'; use json (the default) or csv");
            };
        }
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv");
    }

    private static void line(StringBuilder b, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(quote(cells.get(i)));
        }
        b.append("\r\n");
    }

    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Duration d) {
            return Durations.format(d);
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(CsvTable::text).collect(Collectors.joining(";"));
        }
        return Objects.toString(v);
    }
}
