package io.floorlink.sparkplug;

import io.floorlink.sparkplug.proto.SparkplugBProto;

/**
 * Sparkplug B data types used by FloorLink metrics, with the Java type a value of that type has in our API:
 * integers up to 32 bits as {@link Integer}, UInt32 and 64-bit integers as {@link Long} (UInt64 above
 * {@link Long#MAX_VALUE} wraps, as in the protobuf encoding), Float as {@link Float}, Double as {@link
 * Double}, Boolean as {@link Boolean}, String/Text as {@link String}, DateTime as {@link Long} epoch
 * milliseconds.
 */
public enum DataType {
    INT8(SparkplugBProto.DataType.Int8),
    INT16(SparkplugBProto.DataType.Int16),
    INT32(SparkplugBProto.DataType.Int32),
    INT64(SparkplugBProto.DataType.Int64),
    UINT8(SparkplugBProto.DataType.UInt8),
    UINT16(SparkplugBProto.DataType.UInt16),
    UINT32(SparkplugBProto.DataType.UInt32),
    UINT64(SparkplugBProto.DataType.UInt64),
    FLOAT(SparkplugBProto.DataType.Float),
    DOUBLE(SparkplugBProto.DataType.Double),
    BOOLEAN(SparkplugBProto.DataType.Boolean),
    STRING(SparkplugBProto.DataType.String),
    DATETIME(SparkplugBProto.DataType.DateTime),
    TEXT(SparkplugBProto.DataType.Text);

    private final SparkplugBProto.DataType proto;

    DataType(SparkplugBProto.DataType proto) {
        this.proto = proto;
    }

    /** The wire code of this type (the {@code datatype} field of a metric). */
    public int code() {
        return proto.getNumber();
    }

    public SparkplugBProto.DataType proto() {
        return proto;
    }

    /**
     * The type with this wire code.
     *
     * @throws SparkplugException for a code FloorLink does not handle (arrays, DataSet, Template, ...)
     */
    public static DataType fromCode(int code) {
        for (DataType t : values()) {
            if (t.code() == code) {
                return t;
            }
        }
        throw new SparkplugException("unsupported Sparkplug datatype code " + code);
    }

    /** True for the integer and floating point types. */
    public boolean isNumeric() {
        return this != BOOLEAN && this != STRING && this != TEXT && this != DATETIME;
    }
}
