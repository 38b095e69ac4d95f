package io.floorlink.edge.connector.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ulong;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Quality;
import java.time.Instant;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.Test;

class OpcUaValuesTest {

    @Test
    void builtInTypesMapToSparkplugTypes() {
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.Boolean)).isEqualTo(DataType.BOOLEAN);
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.SByte)).isEqualTo(DataType.INT8);
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.Byte)).isEqualTo(DataType.UINT8);
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.Int16)).isEqualTo(DataType.INT16);
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.UInt16)).isEqualTo(DataType.UINT16);
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.Int32)).isEqualTo(DataType.INT32);
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.UInt32)).isEqualTo(DataType.UINT32);
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.Int64)).isEqualTo(DataType.INT64);
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.UInt64)).isEqualTo(DataType.UINT64);
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.Float)).isEqualTo(DataType.FLOAT);
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.Double)).isEqualTo(DataType.DOUBLE);
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.String)).isEqualTo(DataType.STRING);
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.LocalizedText)).isEqualTo(DataType.STRING);
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.DateTime)).isEqualTo(DataType.DATETIME);
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.ByteString)).isNull();
        assertThat(OpcUaValues.dataTypeOf(OpcUaDataType.ExtensionObject)).isNull();
    }

    @Test
    void valuesBecomeTheJavaTypesDocumentedOnDataType() {
        assertThat(OpcUaValues.toJava((byte) -5, DataType.INT8)).isEqualTo(-5);
        assertThat(OpcUaValues.toJava(ubyte(250), DataType.UINT8)).isEqualTo(250);
        assertThat(OpcUaValues.toJava((short) -300, DataType.INT16)).isEqualTo(-300);
        assertThat(OpcUaValues.toJava(ushort(65535), DataType.UINT16)).isEqualTo(65535);
        assertThat(OpcUaValues.toJava(-7, DataType.INT32)).isEqualTo(-7);
        assertThat(OpcUaValues.toJava(uint(4_000_000_000L), DataType.UINT32)).isEqualTo(4_000_000_000L);
        assertThat(OpcUaValues.toJava(123L, DataType.INT64)).isEqualTo(123L);
        assertThat(OpcUaValues.toJava(ulong(9), DataType.UINT64)).isEqualTo(9L);
        assertThat(OpcUaValues.toJava(1.5f, DataType.FLOAT)).isEqualTo(1.5f);
        assertThat(OpcUaValues.toJava(2.25, DataType.DOUBLE)).isEqualTo(2.25);
        assertThat(OpcUaValues.toJava(true, DataType.BOOLEAN)).isEqualTo(true);
        assertThat(OpcUaValues.toJava("Cutting", DataType.STRING)).isEqualTo("Cutting");
        assertThat(OpcUaValues.toJava(LocalizedText.english("Idle"), DataType.STRING))
                .isEqualTo("Idle");
        Instant t = Instant.parse("2025-03-01T08:00:00.123Z");
        assertThat(OpcUaValues.toJava(new DateTime(t), DataType.DATETIME)).isEqualTo(t.toEpochMilli());
    }

    @Test
    void configuredTypeWidensOrNarrowsWithRangeChecks() {
        assertThat(OpcUaValues.toJava(42.0, DataType.INT32)).isEqualTo(42);
        assertThat(OpcUaValues.toJava(uint(7), DataType.DOUBLE)).isEqualTo(7.0);
        assertThatThrownBy(() -> OpcUaValues.toJava(300, DataType.UINT8)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> OpcUaValues.toJava(1.5, DataType.INT32)).hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> OpcUaValues.toJava("x", DataType.DOUBLE)).hasMessageContaining("as a number");
        assertThatThrownBy(() -> OpcUaValues.toJava(new int[] {1}, DataType.INT32))
                .hasMessageContaining("array");
    }

    @Test
    void qualityFollowsStatusSeverity() {
        assertThat(OpcUaValues.quality(StatusCode.GOOD)).isEqualTo(Quality.GOOD);
        assertThat(OpcUaValues.quality(new StatusCode(StatusCodes.Uncertain_LastUsableValue)))
                .isEqualTo(Quality.UNCERTAIN);
        assertThat(OpcUaValues.quality(new StatusCode(StatusCodes.Bad_NoCommunication)))
                .isEqualTo(Quality.BAD);
    }

    @Test
    void communicationStatusesAreRecognisedWithInfoBits() {
        assertThat(OpcUaValues.isNoCommunication(new StatusCode(StatusCodes.Bad_NoCommunication)))
                .isTrue();
        assertThat(OpcUaValues.isNoCommunication(new StatusCode(StatusCodes.Bad_NotConnected)))
                .isTrue();
        assertThat(OpcUaValues.isNoCommunication(new StatusCode(StatusCodes.Bad_DeviceFailure)))
                .isTrue();
        assertThat(OpcUaValues.isNoCommunication(new StatusCode(StatusCodes.Bad_NoCommunication | 0x0400L)))
                .isTrue();
        assertThat(OpcUaValues.isNoCommunication(new StatusCode(StatusCodes.Bad_NodeIdUnknown)))
                .isFalse();
        assertThat(OpcUaValues.isNoCommunication(StatusCode.GOOD)).isFalse();
    }

    @Test
    void sourceTimeFallsBackToServerTimeThenReceiveTime() {
        Instant source = Instant.parse("2025-03-01T08:00:00Z");
        Instant server = Instant.parse("2025-03-01T08:00:01Z");
        Instant received = Instant.parse("2025-03-01T08:00:02Z");
        Variant v = new Variant(1);
        assertThat(OpcUaValues.sourceTime(
                        new DataValue(v, StatusCode.GOOD, new DateTime(source), new DateTime(server)), received))
                .isEqualTo(source);
        assertThat(OpcUaValues.sourceTime(new DataValue(v, StatusCode.GOOD, null, new DateTime(server)), received))
                .isEqualTo(server);
        assertThat(OpcUaValues.sourceTime(new DataValue(v, StatusCode.GOOD, null, null), received))
                .isEqualTo(received);
    }
}
