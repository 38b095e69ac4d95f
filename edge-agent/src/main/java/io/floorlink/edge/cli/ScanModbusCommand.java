package io.floorlink.edge.cli;

import io.floorlink.edge.connector.modbus.ByteOrder;
import io.floorlink.edge.connector.modbus.RegisterScan;
import io.floorlink.edge.connector.modbus.RegisterScan.Decoding;
import io.floorlink.edge.connector.modbus.ValueType;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scan}: commissioning commands that read raw data to find a point mapping. Its subcommand {@code modbus}
 * decodes a register window as every type in every byte order.
 */
@Command(
        name = "scan",
        description = "Read raw device data to find the right point mapping.",
        mixinStandardHelpOptions = true,
        subcommands = {ScanModbusCommand.Modbus.class})
public final class ScanModbusCommand {

    public ScanModbusCommand() {}

    /** {@code scan modbus --host H --port P --unit U --start A --count N [--area holding|input] [--expect V] [--csv]}. */
    @Command(
            name = "modbus",
            description = {
                "Read registers once and print each address decoded as every data type in every byte order, side by"
                        + " side; with --expect, list the decodings (type, order, address) equal to the value.",
                "--start is a 0-based protocol address (holding:0 / register 40001 is 0), unless --one-based."
            },
            mixinStandardHelpOptions = true)
    public static final class Modbus implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--host", required = true, description = "Device or gateway address.")
        String host;

        @Option(names = "--port", defaultValue = "502", description = "TCP port (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--unit", defaultValue = "1", description = "Unit id (default: ${DEFAULT-VALUE}).")
        int unit;

        @Option(names = "--start", required = true, description = "First register.")
        int start;

        @Option(names = "--count", required = true, description = "Registers to read, 1..125.")
        int count;

        @Option(
                names = "--area",
                defaultValue = "holding",
                description = "holding or input (default: ${DEFAULT-VALUE}).")
        String area;

        @Option(names = "--one-based", description = "--start is a 1-based register number (1 = protocol address 0).")
        boolean oneBased;

        @Option(names = "--expect", description = "A value read on the machine's panel, e.g. 215.3.")
        Double expect;

        @Option(names = "--csv", description = "Print CSV instead of aligned columns.")
        boolean csv;

        @Option(
                names = "--timeout",
                defaultValue = "5",
                description = "Seconds for connecting and for the read (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        public Modbus() {}

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String a = area.toLowerCase(Locale.ROOT);
            if (!a.equals("holding") && !a.equals("input")) {
                return usage(err, "--area: must be holding or input, was '" + area + "'");
            }
            int protocolStart = oneBased ? start - 1 : start;
            if (protocolStart < 0 || protocolStart > 65535) {
                return usage(
                        err,
                        "--start: " + start + " is outside the " + (oneBased ? "1..65536" : "0..65535") + " range");
            }
            if (count < 1 || count > 125 || protocolStart + count > 65536) {
                return usage(err, "--count: must be 1..125 and stay below address 65536");
            }
            if (unit < 0 || unit > 255) {
                return usage(err, "--unit: must be 0..255");
            }
            byte[] raw;
            try {
                raw = RegisterScan.read(
                        host,
                        port,
                        unit,
                        a.equals("holding"),
                        protocolStart,
                        count,
                        Duration.ofSeconds(timeoutSeconds));
            } catch (Exception e) {
                int code = RegisterScan.exceptionCode(e);
                err.println("scan modbus: " + host + ":" + port + " unit " + unit + " " + a + " " + protocolStart + ".."
                        + (protocolStart + count - 1) + ": "
                        + (code >= 0
                                ? "Modbus exception code " + code
                                : e.getClass().getSimpleName() + ": " + e.getMessage()));
                err.flush();
                return CommandLine.ExitCode.SOFTWARE;
            }
            List<Decoding> decodings = RegisterScan.decode(raw, protocolStart);
            printTable(out, raw, protocolStart, decodings);
            if (expect != null) {
                List<Decoding> hits = RegisterScan.matches(decodings, expect);
                out.println();
                out.println(
                        hits.isEmpty()
                                ? "No decoding equals " + expect + "."
                                : "Decodings equal to " + expect + " (type, byte order, protocol address):");
                for (Decoding d : hits) {
                    out.println("  " + d.type().wireName() + " " + orderName(d) + " " + a + ":" + d.address() + " = "
                            + d.text());
                }
            }
            out.flush();
            return CommandLine.ExitCode.OK;
        }

        private int usage(PrintWriter err, String message) {
            err.println("scan modbus: " + message);
            err.flush();
            // 64 (EX_USAGE) under EdgeAgentMain, picocli's 2 in a bare CommandLine
            return spec.exitCodeOnInvalidInput();
        }

        private static String orderName(Decoding d) {
            if (d.type().registers() == 1) {
                return "-";
            }
            return d.type().registers() == 4 ? d.order().name64() : d.order().name();
        }

        private void printTable(PrintWriter out, byte[] raw, int protocolStart, List<Decoding> decodings) {
            List<String> columns = new ArrayList<>(List.of("address", "hex", "ascii"));
            for (ValueType t : RegisterScan.TYPES) {
                if (t.registers() == 1) {
                    columns.add(t.wireName());
                } else {
                    for (ByteOrder o : ByteOrder.values()) {
                        columns.add(t.wireName() + " " + (t.registers() == 4 ? o.name64() : o.name()));
                    }
                }
            }
            Map<Integer, Map<String, String>> rows = new LinkedHashMap<>();
            for (int i = 0; i < raw.length / 2; i++) {
                Map<String, String> row = new LinkedHashMap<>();
                int v = ((raw[2 * i] & 0xff) << 8) | (raw[2 * i + 1] & 0xff);
                row.put("address", Integer.toString(protocolStart + i));
                row.put("hex", String.format("%04X", v));
                row.put("ascii", ascii(raw[2 * i]) + ascii(raw[2 * i + 1]));
                rows.put(protocolStart + i, row);
            }
            for (Decoding d : decodings) {
                String col = d.type().registers() == 1
                        ? d.type().wireName()
                        : d.type().wireName() + " "
                                + (d.type().registers() == 4
                                        ? d.order().name64()
                                        : d.order().name());
                rows.get(d.address()).put(col, d.text());
            }
            if (csv) {
                out.println(String.join(",", columns));
                for (Map<String, String> row : rows.values()) {
                    List<String> cells = new ArrayList<>();
                    for (String c : columns) {
                        String cell = row.getOrDefault(c, "");
                        cells.add(
                                cell.contains(",") || cell.contains("\"")
                                        ? '"' + cell.replace("\"", "\"\"") + '"'
                                        : cell);
                    }
                    out.println(String.join(",", cells));
                }
                return;
            }
            int[] width = new int[columns.size()];
            for (int c = 0; c < columns.size(); c++) {
                width[c] = columns.get(c).length();
                for (Map<String, String> row : rows.values()) {
                    width[c] = Math.max(
                            width[c], row.getOrDefault(columns.get(c), "").length());
                }
            }
            StringBuilder header = new StringBuilder();
            for (int c = 0; c < columns.size(); c++) {
                header.append(String.format("%-" + (width[c] + 2) + "s", columns.get(c)));
            }
            out.println(header.toString().stripTrailing());
            for (Map<String, String> row : rows.values()) {
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < columns.size(); c++) {
                    line.append(String.format("%-" + (width[c] + 2) + "s", row.getOrDefault(columns.get(c), "")));
                }
                out.println(line.toString().stripTrailing());
            }
        }

        private static String ascii(byte b) {
            return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : ".";
        }
    }
}
