package io.floorlink.edge.connector.modbus;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.floorlink.sparkplug.DataType;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the registers (or bit) of a Modbus point are interpreted. */
public enum ValueType {
    BOOL(0, DataType.BOOLEAN),
    INT16(1, DataType.INT16),
    UINT16(1, DataType.UINT16),
    INT32(2, DataType.INT32),
    UINT32(2, DataType.UINT32),
    INT64(4, DataType.INT64),
    UINT64(4, DataType.UINT64),
    FLOAT32(2, DataType.FLOAT),
    FLOAT64(4, DataType.DOUBLE),
    /** ASCII text of {@code length} registers, two characters each, trailing NULs and spaces removed. */
    STRING(-1, DataType.STRING);

    private final int registers;
    private final DataType dataType;

    ValueType(int registers, DataType dataType) {
        this.registers = registers;
        this.dataType = dataType;
    }

    @JsonCreator
    public static ValueType parse(String text) {
        for (ValueType t : values()) {
            if (t.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown type '" + text + "' (allowed: "
                + Arrays.stream(values()).map(ValueType::wireName).collect(Collectors.joining(", ")) + ")");
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Registers a value occupies: 0 for bool (a bit), -1 for string (configured length). */
    public int registers() {
        return registers;
    }

    /** The Sparkplug datatype of the unscaled value. */
    public DataType dataType() {
        return dataType;
    }

    /** Whether byte order matters: values of two or more registers and strings. */
    public boolean multiRegister() {
        return registers > 1 || this == STRING;
    }
}
