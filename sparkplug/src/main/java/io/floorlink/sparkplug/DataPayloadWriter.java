package io.floorlink.sparkplug;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.PropertySet;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.PropertyValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Encodes a data payload (DDATA, NDATA) straight from metrics as they are kept, each with the alias that replaces
 * its name, the {@code rid} property and the historical flag added while writing. The bytes equal those of a
 * {@link Payload} built with each metric copied by {@code toBuilder()} to add them; an edge publishing 100,000 values
 * per second then does not build three copies of every metric on the way out.
 *
 * <p>Not thread-safe; reusable: {@link #toByteArray} empties it.
 */
public final class DataPayloadWriter {
    /** {@link #add} without an alias: the metric keeps its name. */
    public static final long NO_ALIAS = -1;
    /** {@link #add} without a rid property. */
    public static final long NO_RID = 0;

    private Metric[] metrics = new Metric[64];
    private long[] aliases = new long[64];
    private long[] rids = new long[64];
    private boolean[] historical = new boolean[64];
    private int[] sizes = new int[64];
    private int count;

    /**
     * Adds a metric.
     *
     * @param m the metric as kept (with its name)
     * @param alias the alias written instead of the name, or {@link #NO_ALIAS}
     * @param rid a positive record id written as the UInt64 property {@code rid} after the metric's own
     *     properties, or {@link #NO_RID}
     * @param isHistorical true to write {@code is_historical = true} (a metric that has it already keeps it)
     */
    public void add(Metric m, long alias, long rid, boolean isHistorical) {
        if (count == metrics.length) {
            int n = count * 2;
            metrics = Arrays.copyOf(metrics, n);
            aliases = Arrays.copyOf(aliases, n);
            rids = Arrays.copyOf(rids, n);
            historical = Arrays.copyOf(historical, n);
            sizes = Arrays.copyOf(sizes, n);
        }
        metrics[count] = m;
        aliases[count] = alias;
        rids[count] = rid;
        historical[count] = isHistorical;
        sizes[count] = metricSize(m, alias, rid, isHistorical);
        count++;
    }

    /** Metrics added since the last {@link #toByteArray}. */
    public int size() {
        return count;
    }

    /** The payload's bytes (timestamp in epoch milliseconds, the metrics in the order added, seq); empties this. */
    public byte[] toByteArray(long timestamp, long seq) {
        int total = CodedOutputStream.computeUInt64Size(Payload.TIMESTAMP_FIELD_NUMBER, timestamp)
                + CodedOutputStream.computeUInt64Size(Payload.SEQ_FIELD_NUMBER, seq);
        for (int i = 0; i < count; i++) {
            total += CodedOutputStream.computeTagSize(Payload.METRICS_FIELD_NUMBER)
                    + CodedOutputStream.computeUInt32SizeNoTag(sizes[i])
                    + sizes[i];
        }
        byte[] bytes = new byte[total];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            out.writeUInt64(Payload.TIMESTAMP_FIELD_NUMBER, timestamp);
            for (int i = 0; i < count; i++) {
                out.writeTag(Payload.METRICS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(sizes[i]);
                writeMetric(out, metrics[i], aliases[i], rids[i], historical[i]);
            }
            out.writeUInt64(Payload.SEQ_FIELD_NUMBER, seq);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a Sparkplug payload into an array of its exact size", e);
        } finally {
            Arrays.fill(metrics, 0, count, null);
            count = 0;
        }
        return bytes;
    }

    private static int metricSize(Metric m, long alias, long rid, boolean isHistorical) {
        int size = m.getSerializedSize();
        if (alias != NO_ALIAS) {
            if (m.hasName()) {
                size -= CodedOutputStream.computeStringSize(Metric.NAME_FIELD_NUMBER, m.getName());
            }
            if (m.hasAlias()) {
                size -= CodedOutputStream.computeUInt64Size(Metric.ALIAS_FIELD_NUMBER, m.getAlias());
            }
            size += CodedOutputStream.computeUInt64Size(Metric.ALIAS_FIELD_NUMBER, alias);
        }
        if (isHistorical && !m.getIsHistorical()) {
            if (m.hasIsHistorical()) {
                size -= CodedOutputStream.computeBoolSize(Metric.IS_HISTORICAL_FIELD_NUMBER, false);
            }
            size += CodedOutputStream.computeBoolSize(Metric.IS_HISTORICAL_FIELD_NUMBER, true);
        }
        if (rid != NO_RID) {
            if (m.hasProperties()) {
                size -= CodedOutputStream.computeMessageSize(Metric.PROPERTIES_FIELD_NUMBER, m.getProperties());
            }
            int props = propertiesSize(m, rid);
            size += CodedOutputStream.computeTagSize(Metric.PROPERTIES_FIELD_NUMBER)
                    + CodedOutputStream.computeUInt32SizeNoTag(props)
                    + props;
        }
        return size;
    }

    private static int propertiesSize(Metric m, long rid) {
        int size = m.hasProperties() ? m.getProperties().getSerializedSize() : 0;
        size += CodedOutputStream.computeStringSize(PropertySet.KEYS_FIELD_NUMBER, MetricNames.PROP_RID);
        int value = ridValueSize(rid);
        return size
                + CodedOutputStream.computeTagSize(PropertySet.VALUES_FIELD_NUMBER)
                + CodedOutputStream.computeUInt32SizeNoTag(value)
                + value;
    }

    private static int ridValueSize(long rid) {
        return CodedOutputStream.computeUInt32Size(PropertyValue.TYPE_FIELD_NUMBER, DataType.UINT64.code())
                + CodedOutputStream.computeUInt64Size(PropertyValue.LONG_VALUE_FIELD_NUMBER, rid);
    }

    // Fields in field-number order, as protobuf writes them, so the bytes equal the copied message's.
    private static void writeMetric(CodedOutputStream out, Metric m, long alias, long rid, boolean isHistorical)
            throws IOException {
        if (alias == NO_ALIAS) {
            if (m.hasName()) {
                out.writeString(Metric.NAME_FIELD_NUMBER, m.getName());
            }
            if (m.hasAlias()) {
                out.writeUInt64(Metric.ALIAS_FIELD_NUMBER, m.getAlias());
            }
        } else {
            out.writeUInt64(Metric.ALIAS_FIELD_NUMBER, alias);
        }
        if (m.hasTimestamp()) {
            out.writeUInt64(Metric.TIMESTAMP_FIELD_NUMBER, m.getTimestamp());
        }
        if (m.hasDatatype()) {
            out.writeUInt32(Metric.DATATYPE_FIELD_NUMBER, m.getDatatype());
        }
        if (isHistorical || m.hasIsHistorical()) {
            out.writeBool(Metric.IS_HISTORICAL_FIELD_NUMBER, isHistorical || m.getIsHistorical());
        }
        if (m.hasIsTransient()) {
            out.writeBool(Metric.IS_TRANSIENT_FIELD_NUMBER, m.getIsTransient());
        }
        if (m.hasIsNull()) {
            out.writeBool(Metric.IS_NULL_FIELD_NUMBER, m.getIsNull());
        }
        if (m.hasMetadata()) {
            out.writeMessage(Metric.METADATA_FIELD_NUMBER, m.getMetadata());
        }
        if (rid != NO_RID) {
            writeProperties(out, m, rid);
        } else if (m.hasProperties()) {
            out.writeMessage(Metric.PROPERTIES_FIELD_NUMBER, m.getProperties());
        }
        switch (m.getValueCase()) {
            case INT_VALUE -> out.writeUInt32(Metric.INT_VALUE_FIELD_NUMBER, m.getIntValue());
            case LONG_VALUE -> out.writeUInt64(Metric.LONG_VALUE_FIELD_NUMBER, m.getLongValue());
            case FLOAT_VALUE -> out.writeFloat(Metric.FLOAT_VALUE_FIELD_NUMBER, m.getFloatValue());
            case DOUBLE_VALUE -> out.writeDouble(Metric.DOUBLE_VALUE_FIELD_NUMBER, m.getDoubleValue());
            case BOOLEAN_VALUE -> out.writeBool(Metric.BOOLEAN_VALUE_FIELD_NUMBER, m.getBooleanValue());
            case STRING_VALUE -> out.writeString(Metric.STRING_VALUE_FIELD_NUMBER, m.getStringValue());
            case BYTES_VALUE -> out.writeBytes(Metric.BYTES_VALUE_FIELD_NUMBER, m.getBytesValue());
            case DATASET_VALUE -> out.writeMessage(Metric.DATASET_VALUE_FIELD_NUMBER, m.getDatasetValue());
            case TEMPLATE_VALUE -> out.writeMessage(Metric.TEMPLATE_VALUE_FIELD_NUMBER, m.getTemplateValue());
            case EXTENSION_VALUE -> out.writeMessage(Metric.EXTENSION_VALUE_FIELD_NUMBER, m.getExtensionValue());
            case VALUE_NOT_SET -> {}
        }
        m.getUnknownFields().writeTo(out);
    }

    private static void writeProperties(CodedOutputStream out, Metric m, long rid) throws IOException {
        out.writeTag(Metric.PROPERTIES_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(propertiesSize(m, rid));
        PropertySet own = m.hasProperties() ? m.getProperties() : PropertySet.getDefaultInstance();
        for (int i = 0; i < own.getKeysCount(); i++) {
            out.writeString(PropertySet.KEYS_FIELD_NUMBER, own.getKeys(i));
        }
        out.writeString(PropertySet.KEYS_FIELD_NUMBER, MetricNames.PROP_RID);
        for (int i = 0; i < own.getValuesCount(); i++) {
            out.writeMessage(PropertySet.VALUES_FIELD_NUMBER, own.getValues(i));
        }
        out.writeTag(PropertySet.VALUES_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(ridValueSize(rid));
        out.writeUInt32(PropertyValue.TYPE_FIELD_NUMBER, DataType.UINT64.code());
        out.writeUInt64(PropertyValue.LONG_VALUE_FIELD_NUMBER, rid);
        own.getUnknownFields().writeTo(out);
    }
}
