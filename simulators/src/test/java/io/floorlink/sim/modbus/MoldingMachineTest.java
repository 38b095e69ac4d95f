package io.floorlink.sim.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MoldingMachineTest {

    private static long uint32(MoldingMachine m, int address) {
        return ByteBuffer.wrap(m.readRegisters(address, 2)).getInt() & 0xffff_ffffL;
    }

    @Test
    void processValuesArePlausibleBeforeTheFirstStep() {
        MoldingMachine m = new MoldingMachine("IMM-01", WordOrder.ABCD, Duration.ofSeconds(6), new Random(1));
        assertThat(ByteBuffer.wrap(m.readRegisters(MoldingMachine.MOLD_TEMP_1, 2))
                        .getFloat())
                .isEqualTo(200f);
        assertThat(ByteBuffer.wrap(m.readRegisters(MoldingMachine.LAST_CYCLE_TIME, 2))
                        .getFloat())
                .isEqualTo(6f);
        assertThat(ByteBuffer.wrap(m.readRegisters(MoldingMachine.POWER, 2)).getFloat())
                .isPositive();
    }

    @Test
    void cyclesCountPartsAndEnergyAndFrozenValuesStayPut() {
        MoldingMachine m = new MoldingMachine("IMM-07", WordOrder.ABCD, Duration.ofSeconds(5), new Random(1));
        for (int i = 0; i < 100; i++) {
            m.advance(Duration.ofMillis(500));
        }
        assertThat(m.cycles()).isEqualTo(10);
        assertThat(uint32(m, MoldingMachine.CYCLE_COUNTER)).isEqualTo(10);
        assertThat(uint32(m, MoldingMachine.GOOD_PARTS) + uint32(m, MoldingMachine.BAD_PARTS))
                .isEqualTo(10);
        double energy =
                ByteBuffer.wrap(m.readRegisters(MoldingMachine.ENERGY, 4)).getDouble();
        assertThat(energy).as("kWh of 50 s at 14..16 kW").isBetween(14 * 50 / 3600.0, 16 * 50 / 3600.0);
        assertThat(new String(
                        m.readRegisters(MoldingMachine.MACHINE_NAME, 4), java.nio.charset.StandardCharsets.US_ASCII))
                .startsWith("IMM-07");

        m.setFrozen(true);
        byte[] before = m.readRegisters(0, 32);
        for (int i = 0; i < 20; i++) {
            m.advance(Duration.ofMillis(500));
        }
        assertThat(m.readRegisters(0, 32)).isEqualTo(before);

        m.setFrozen(false);
        m.resetCounters();
        assertThat(uint32(m, MoldingMachine.CYCLE_COUNTER)).isZero();
        assertThat(ByteBuffer.wrap(m.readRegisters(MoldingMachine.ENERGY, 4)).getDouble())
                .isZero();
    }

    @Test
    void wordOrdersLayOutTheSameValueAsDocumented() {
        byte[] be = ByteBuffer.allocate(4).putInt(0x11223344).array();
        assertThat(WordOrder.ABCD.registers(be)).containsExactly((short) 0x1122, (short) 0x3344);
        assertThat(WordOrder.BADC.registers(be)).containsExactly((short) 0x2211, (short) 0x4433);
        assertThat(WordOrder.CDAB.registers(be)).containsExactly((short) 0x3344, (short) 0x1122);
        assertThat(WordOrder.DCBA.registers(be)).containsExactly((short) 0x4433, (short) 0x2211);
    }

    @Test
    void everyReadOfTheReadSequenceReturnsTheNextValueAndIsCounted() {
        MoldingMachine m = new MoldingMachine("IMM-01", WordOrder.ABCD, Duration.ofSeconds(6), new Random(1));
        for (int read = 1; read <= 3; read++) {
            ByteBuffer b = ByteBuffer.wrap(m.readRegisters(MoldingMachine.READ_SEQUENCE, 100));
            for (int i = 0; i < 100; i++) {
                assertThat(b.getShort() & 0xFFFF)
                        .as("register %d, read %d", 100 + i, read)
                        .isEqualTo(read);
            }
        }
        m.readRegisters(MoldingMachine.READ_SEQUENCE + 5, 1);
        m.advance(Duration.ofSeconds(30));
        assertThat(m.readsServed(MoldingMachine.READ_SEQUENCE)).isEqualTo(3);
        assertThat(m.readsServed(MoldingMachine.READ_SEQUENCE + 5)).isEqualTo(4);
    }
}
