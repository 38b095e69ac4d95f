package io.floorlink.edge.connector.modbus;

import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.exceptions.ModbusException;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadInputRegistersRequest;
import com.digitalpetri.modbus.tcp.client.NettyTcpClientTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Commissioning scan: reads a register window once and decodes it as every numeric type in every byte order, so a
 * contractor can find which type, order and address give a value shown on the machine's panel.
 */
public final class RegisterScan {
    /** Numeric types tried, in output order. */
    public static final List<ValueType> TYPES = List.of(
            ValueType.INT16,
            ValueType.UINT16,
            ValueType.INT32,
            ValueType.UINT32,
            ValueType.FLOAT32,
            ValueType.INT64,
            ValueType.UINT64,
            ValueType.FLOAT64);

    private RegisterScan() {}

    /**
     * One decoding of the window.
     *
     * @param address 0-based protocol address of the first register of the value
     * @param type the type tried
     * @param order the byte order tried (ABCD for 16-bit types, which take no order)
     * @param value Integer, Long, Float or Double as {@link RegisterCodec#number} gives it
     */
    public record Decoding(int address, ValueType type, ByteOrder order, Object value) {
        /** The value as a double (uint64 stays positive). */
        public double asDouble() {
            return RegisterCodec.asDouble(value, type);
        }

        /** The value as text: uint64 unsigned, floats in Java's shortest form. */
        public String text() {
            if (type == ValueType.UINT64) {
                return Long.toUnsignedString((Long) value);
            }
            return String.valueOf(value);
        }
    }

    /**
     * Reads {@code count} registers once. Blocks up to {@code timeout} for the connection and again for the read.
     *
     * @param holding true for holding registers, false for input registers
     * @param start 0-based protocol address
     * @return the registers as received, two bytes each, high byte first
     * @throws ModbusException on no answer or a Modbus exception response (its code in the message)
     */
    public static byte[] read(String host, int port, int unit, boolean holding, int start, int count, Duration timeout)
            throws ModbusException {
        NettyTcpClientTransport transport = NettyTcpClientTransport.create(cfg -> {
            cfg.setHostname(host);
            cfg.setPort(port);
            cfg.setConnectTimeout(timeout);
            cfg.setConnectPersistent(false);
        });
        ModbusTcpClient client = ModbusTcpClient.create(transport, cfg -> cfg.setRequestTimeout(timeout));
        client.connect();
        try {
            return holding
                    ? client.readHoldingRegisters(unit, new ReadHoldingRegistersRequest(start, count))
                            .registers()
                    : client.readInputRegisters(unit, new ReadInputRegistersRequest(start, count))
                            .registers();
        } finally {
            try {
                client.disconnect();
            } catch (ModbusException e) {
                // the read result (or its error) is what matters; a failed goodbye is not
            }
        }
    }

    /** The code of a Modbus exception response, or -1 when {@code e} is not one. */
    public static int exceptionCode(Throwable e) {
        return e instanceof ModbusResponseException r ? r.getExceptionCode() : -1;
    }

    /** Every decoding of every value that fits entirely in the window, by address, then type, then order. */
    public static List<Decoding> decode(byte[] raw, int start) {
        int registers = raw.length / 2;
        List<Decoding> out = new ArrayList<>();
        for (int i = 0; i < registers; i++) {
            for (ValueType t : TYPES) {
                if (i + t.registers() > registers) {
                    continue;
                }
                if (t.registers() == 1) {
                    out.add(new Decoding(
                            start + i, t, ByteOrder.ABCD, RegisterCodec.number(raw, i, t, ByteOrder.ABCD)));
                    continue;
                }
                for (ByteOrder o : ByteOrder.values()) {
                    out.add(new Decoding(start + i, t, o, RegisterCodec.number(raw, i, t, o)));
                }
            }
        }
        return out;
    }

    /**
     * The decodings equal to {@code expected}: integers exactly, float32 within a relative 1e-6 (its precision) plus
     * 1e-4 absolute for panel rounding, float64 within 1e-9 relative plus 1e-4 absolute. NaN and infinities never
     * match.
     */
    public static List<Decoding> matches(List<Decoding> decodings, double expected) {
        List<Decoding> out = new ArrayList<>();
        for (Decoding d : decodings) {
            double v = d.asDouble();
            if (!Double.isFinite(v)) {
                continue;
            }
            boolean eq =
                    switch (d.type()) {
                        case FLOAT32 -> Math.abs(v - expected) <= 1e-4 + 1e-6 * Math.abs(expected);
                        case FLOAT64 -> Math.abs(v - expected) <= 1e-4 + 1e-9 * Math.abs(expected);
                        default -> v == expected;
                    };
            if (eq) {
                out.add(d);
            }
        }
        return out;
    }
}
