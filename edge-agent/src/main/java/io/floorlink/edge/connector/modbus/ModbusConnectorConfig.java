package io.floorlink.edge.connector.modbus;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.point.PointChecks;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.config.ConfigEnums;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code type: modbus} connector: one Modbus TCP endpoint (a device or a gateway) and the devices (unit ids) behind
 * it. See this package's README.md for every key. Records validate themselves when built and throw
 * {@link IllegalArgumentException} naming the connector, device, point and field.
 *
 * @param name connector name, unique within the agent, never blank
 * @param host host name or address of the endpoint, never blank
 * @param port TCP port, 1..65535; default 502
 * @param addressing how point addresses are written, required: {@code zero_based} protocol addresses or
 *     {@code one_based} register numbers (holding:1 or 40001 is protocol address 0)
 * @param connectTimeout TCP connect timeout; default 5 s
 * @param requestTimeout time to wait for each response; default 2 s
 * @param reconnect backoff between connection attempts and between probes of a silent device; default 1 s..30 s
 * @param devices the devices behind the endpoint, at least one
 */
public record ModbusConnectorConfig(
        String name,
        String host,
        Integer port,
        Addressing addressing,
        Duration connectTimeout,
        Duration requestTimeout,
        Reconnect reconnect,
        List<Device> devices)
        implements ConnectorConfig {

    public ModbusConnectorConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: required (the connector name)");
        }
        String where = "connector '" + name + "': ";
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(where + "host: required, e.g. 10.0.0.20");
        }
        port = port == null ? 502 : port;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(where + "port: must be 1..65535, was " + port);
        }
        if (addressing == null) {
            throw new IllegalArgumentException(where
                    + "addressing: required, zero_based (protocol addresses, holding:0 is the first register) or"
                    + " one_based (register numbers, holding:1 or 40001 is the first register)");
        }
        connectTimeout = positive(where + "connect_timeout", connectTimeout, Duration.ofSeconds(5));
        requestTimeout = positive(where + "request_timeout", requestTimeout, Duration.ofSeconds(2));
        reconnect = reconnect == null ? Reconnect.DEFAULT : reconnect;
        if (devices == null || devices.isEmpty()) {
            throw new IllegalArgumentException(where + "devices: at least one device is required");
        }
        Set<String> ids = new HashSet<>();
        for (Device d : devices) {
            if (d == null) {
                throw new IllegalArgumentException(where + "devices: empty entry");
            }
            if (!ids.add(d.id())) {
                throw new IllegalArgumentException(where + "devices: duplicate device id '" + d.id() + "'");
            }
            for (Point p : d.points()) {
                try {
                    p.resolve(addressing);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            where + "device '" + d.id() + "': point '" + p.id() + "': " + e.getMessage(), e);
                }
            }
        }
        devices = List.copyOf(devices);
    }

    private static Duration positive(String field, Duration value, Duration fallback) {
        Duration v = value == null ? fallback : value;
        if (v.isNegative() || v.isZero()) {
            throw new IllegalArgumentException(field + ": must be positive");
        }
        return v;
    }

    /** Whether configured addresses are 0-based protocol addresses or 1-based register numbers. */
    public enum Addressing {
        ZERO_BASED,
        ONE_BASED;

        @JsonCreator
        public static Addressing parse(String text) {
            return ConfigEnums.parse(Addressing.class, text, "addressing");
        }

        @JsonValue
        public String wireName() {
            return ConfigEnums.name(this);
        }
    }

    /**
     * A resolved point address.
     *
     * @param area the data area
     * @param offset 0-based protocol address, 0..65535
     */
    public record Address(Area area, int offset) {}

    /**
     * One device (unit) behind the endpoint.
     *
     * @param id equipment id in the inventory (Sparkplug device_id), never blank
     * @param unit Modbus unit id (slave id), 0..255; default 1
     * @param interval poll interval: one poll cycle of all points per interval; required, positive
     * @param byteOrder default layout of multi-register values; default ABCD
     * @param maxRegisters largest register read in one request, 1..125; default 125
     * @param maxBits largest coil / discrete input read in one request, 1..2000; default 2000
     * @param maxGap unmapped registers (or coils / discrete inputs) one request may read across to join the points on
     *     either side, 0..{@value #MAX_GAP}; default 0: gaps are never read
     * @param points its points, at least one, ids unique within the device
     */
    public record Device(
            String id,
            Integer unit,
            Duration interval,
            ByteOrder byteOrder,
            Integer maxRegisters,
            Integer maxBits,
            Integer maxGap,
            List<Point> points) {
        /** The largest {@code max_gap}: one register less than the largest register read. */
        public static final int MAX_GAP = 124;

        public Device {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("devices[].id: required (the equipment id)");
            }
            String where = "device '" + id + "': ";
            unit = unit == null ? 1 : unit;
            if (unit < 0 || unit > 255) {
                throw new IllegalArgumentException(where + "unit: must be 0..255, was " + unit);
            }
            if (interval == null) {
                throw new IllegalArgumentException(where + "interval: required, e.g. 1s");
            }
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException(where + "interval: must be positive");
            }
            byteOrder = byteOrder == null ? ByteOrder.ABCD : byteOrder;
            maxRegisters = maxRegisters == null ? 125 : maxRegisters;
            if (maxRegisters < 1 || maxRegisters > 125) {
                throw new IllegalArgumentException(where + "max_registers: must be 1..125, was " + maxRegisters);
            }
            maxBits = maxBits == null ? 2000 : maxBits;
            if (maxBits < 1 || maxBits > 2000) {
                throw new IllegalArgumentException(where + "max_bits: must be 1..2000, was " + maxBits);
            }
            maxGap = maxGap == null ? 0 : maxGap;
            if (maxGap < 0 || maxGap > MAX_GAP) {
                throw new IllegalArgumentException(where + "max_gap: must be 0.." + MAX_GAP + ", was " + maxGap);
            }
            if (points == null || points.isEmpty()) {
                throw new IllegalArgumentException(where + "points: at least one point is required");
            }
            Set<String> ids = new HashSet<>();
            for (Point p : points) {
                if (p == null) {
                    throw new IllegalArgumentException(where + "points: empty entry");
                }
                if (!ids.add(p.id())) {
                    throw new IllegalArgumentException(where + "duplicate point id '" + p.id() + "'");
                }
                if (p.registerCount() > maxRegisters) {
                    throw new IllegalArgumentException(where + "point '" + p.id() + "': needs " + p.registerCount()
                            + " registers, more than max_registers " + maxRegisters);
                }
            }
            points = List.copyOf(points);
        }

        /** The byte order of a point: its own override or the device's. */
        public ByteOrder orderOf(Point p) {
            return p.byteOrder() == null ? byteOrder : p.byteOrder();
        }
    }

    /**
     * One point.
     *
     * @param id point id, unique within its device (Sparkplug metric name); must not start with {@code _health/}
     * @param address {@code <area>:<n>} with area coil, discrete, input or holding (e.g. {@code holding:100}), or
     *     with {@code addressing: one_based} also a Modicon reference ({@code 40101}, {@code 300001})
     * @param type how the registers are interpreted, required
     * @param bit for {@code type: bool} on a register area: the bit 0..15 (0 = least significant) of the register;
     *     null for a coil or discrete input
     * @param length for {@code type: string}: registers of text, 1..125
     * @param byteOrder override of the device's byte order, only for multi-register types and strings
     * @param scale factor applied to numeric values (value = raw * scale + offset); null for 1
     * @param offset added after scaling; null for 0
     * @param category what the point measures, required
     * @param unit engineering unit, nullable
     * @param engLow low end of the valid range, nullable
     * @param engHigh high end of the valid range, nullable, not below engLow
     */
    public record Point(
            String id,
            String address,
            ValueType type,
            Integer bit,
            Integer length,
            ByteOrder byteOrder,
            Double scale,
            Double offset,
            Category category,
            String unit,
            Double engLow,
            Double engHigh) {
        public Point {
            String where = PointChecks.id(id);
            if (address == null || address.isBlank()) {
                throw new IllegalArgumentException(where + "address: required, e.g. \"holding:100\"");
            }
            if (type == null) {
                throw new IllegalArgumentException(where
                        + "type: required (bool, int16, uint16, int32, uint32, int64, uint64, float32, float64,"
                        + " string)");
            }
            PointChecks.category(where, category);
            if (bit != null && (type != ValueType.BOOL || bit < 0 || bit > 15)) {
                throw new IllegalArgumentException(where + "bit: only with type bool, 0..15");
            }
            if (type == ValueType.STRING) {
                if (length == null || length < 1 || length > 125) {
                    throw new IllegalArgumentException(where + "length: required for type string, 1..125 registers");
                }
            } else if (length != null) {
                throw new IllegalArgumentException(where + "length: only with type string");
            }
            if (byteOrder != null && !type.multiRegister()) {
                throw new IllegalArgumentException(where
                        + "byte_order: only for values of two or more registers and strings, not " + type.wireName());
            }
            if ((scale != null || offset != null) && (type == ValueType.BOOL || type == ValueType.STRING)) {
                throw new IllegalArgumentException(where + "scale/offset: only for numeric types");
            }
            if (scale != null && (scale == 0 || !Double.isFinite(scale))) {
                throw new IllegalArgumentException(where + "scale: must be a finite non-zero number");
            }
            PointChecks.range(where, engLow, engHigh);
        }

        /** Registers read for this point (0 for a coil or discrete input). */
        public int registerCount() {
            if (type == ValueType.STRING) {
                return length;
            }
            return type == ValueType.BOOL ? (bit == null ? 0 : 1) : type.registers();
        }

        /** Whether the value is scaled (then published as Double). */
        public boolean scaled() {
            return (scale != null && scale != 1.0) || (offset != null && offset != 0.0);
        }

        /** The Sparkplug datatype of the published values. */
        public DataType dataType() {
            return scaled() ? DataType.DOUBLE : type.dataType();
        }

        /**
         * The protocol address of this point under {@code mode}.
         *
         * @throws IllegalArgumentException naming the address field and what is wrong
         */
        public Address resolve(Addressing mode) {
            String a = address.trim();
            Area area;
            long n;
            int colon = a.indexOf(':');
            if (colon > 0) {
                area = Area.parse(a.substring(0, colon));
                if (area == null) {
                    throw new IllegalArgumentException(
                            "address: unknown area in '" + address + "' (allowed: coil, discrete, input, holding)");
                }
                n = number(a.substring(colon + 1));
            } else {
                if (mode != Addressing.ONE_BASED || !a.matches("[0134]\\d{4,5}")) {
                    throw new IllegalArgumentException("address: '" + address + "' is not <area>:<number>"
                            + (mode == Addressing.ONE_BASED
                                    ? " nor a Modicon reference like 40001"
                                    : " (Modicon references like 40001 need addressing: one_based)"));
                }
                area = Area.fromModiconDigit(a.charAt(0));
                n = Long.parseLong(a.substring(1));
            }
            long offsetValue = mode == Addressing.ONE_BASED ? n - 1 : n;
            if (mode == Addressing.ONE_BASED && n < 1) {
                throw new IllegalArgumentException(
                        "address: '" + address + "': register numbers start at 1 with addressing one_based");
            }
            int span = Math.max(1, registerCount());
            if (offsetValue < 0 || offsetValue + span - 1 > 65535) {
                throw new IllegalArgumentException("address: '" + address + "' is outside 0..65535");
            }
            if (!area.registers() && type != ValueType.BOOL) {
                throw new IllegalArgumentException(
                        "type: " + type.wireName() + " is not possible in a bit area (" + area.shortName() + ")");
            }
            if (!area.registers() && bit != null) {
                throw new IllegalArgumentException("bit: only for register areas (input, holding)");
            }
            if (area.registers() && type == ValueType.BOOL && bit == null) {
                throw new IllegalArgumentException("bit: required for type bool on a register (0..15)");
            }
            return new Address(area, (int) offsetValue);
        }

        private long number(String text) {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("address: '" + address + "' has no number after the area");
            }
        }
    }
}
