package io.floorlink.sim.modbus;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The state and register image of one simulated injection-molding machine. Register map (0-based protocol
 * addresses, holding registers; input registers mirror them), inspired by EUROMAP 77 / OPC 40077; multi-register
 * values in the machine's {@link WordOrder}:
 *
 * <pre>
 *   0  machine_mode        uint16   1 = manual, 2 = semi-automatic, 3 = automatic, 4 = setup
 *   1  production_status   uint16   1 = idle, 2 = starting, 4 = production, 6 = stopping, 8 = fault
 *   2  cycle_counter       uint32   cycles since counter reset
 *   4  good_parts          uint32
 *   6  bad_parts           uint32
 *   8  last_cycle_time     float32  s
 *  10  mold_temp_1..4      float32  degC (10, 12, 14, 16)
 *  18  injection_pressure  float32  bar
 *  20  power               float32  kW
 *  22  energy              float64  kWh since counter reset
 *  26  status_word         uint16   bit 0 running, bit 1 alarm, bit 2 mold open
 *  30  machine_name        string   8 registers
 * 100..199 read sequence   uint16   each read returns the register's next value (1, 2, 3, ...), for load and
 *                                   exactly-once tests: the number of reads served is the truth
 * 200.. test pattern: constants of every data type, for decoding tests (see TEST_* constants)
 * </pre>
 *
 * Coils: 0 running, 1 alarm. Discrete inputs: 0 mold closed, 1 safety door closed. Thread-safe: every method
 * locks the machine.
 */
public final class MoldingMachine {
    public static final int MACHINE_MODE = 0;
    public static final int PRODUCTION_STATUS = 1;
    public static final int CYCLE_COUNTER = 2;
    public static final int GOOD_PARTS = 4;
    public static final int BAD_PARTS = 6;
    public static final int LAST_CYCLE_TIME = 8;
    public static final int MOLD_TEMP_1 = 10;
    public static final int INJECTION_PRESSURE = 18;
    public static final int POWER = 20;
    public static final int ENERGY = 22;
    public static final int STATUS_WORD = 26;
    public static final int MACHINE_NAME = 30;
    public static final int MACHINE_NAME_REGISTERS = 8;
    /** First read-sequence register: every read of 100..199 returns that register's next value. */
    public static final int READ_SEQUENCE = 100;
    /** Number of read-sequence registers. */
    public static final int READ_SEQUENCE_REGISTERS = 100;

    public static final int TEST_INT16 = 200;
    public static final int TEST_UINT16 = 201;
    public static final int TEST_INT32 = 202;
    public static final int TEST_UINT32 = 204;
    public static final int TEST_INT64 = 206;
    public static final int TEST_UINT64 = 210;
    public static final int TEST_FLOAT32 = 214;
    public static final int TEST_FLOAT64 = 216;
    public static final int TEST_BITS = 220;
    public static final int TEST_STRING = 221;
    public static final int TEST_STRING_REGISTERS = 8;
    public static final int TEST_SCALED = 229;

    public static final short TEST_INT16_VALUE = -1234;
    public static final int TEST_UINT16_VALUE = 54321;
    public static final int TEST_INT32_VALUE = -123456789;
    public static final long TEST_UINT32_VALUE = 3_000_000_000L;
    public static final long TEST_INT64_VALUE = -1_234_567_890_123_456_789L;
    public static final long TEST_UINT64_VALUE = 9_000_000_000_000_000_001L;
    public static final float TEST_FLOAT32_VALUE = 3.14159f;
    public static final double TEST_FLOAT64_VALUE = -2.718281828459045;
    /** Bits 0, 2, 13 and 15 set. */
    public static final int TEST_BITS_VALUE = 0b1010_0000_0000_0101;

    public static final String TEST_STRING_VALUE = "IMM test 0123";
    /** Raw 1234; with scale 0.1 and offset -20 it reads 103.4. */
    public static final int TEST_SCALED_VALUE = 1234;

    /** Register count of the image (holding and input). */
    public static final int REGISTERS = 256;

    private final String name;
    private final WordOrder order;
    private final RandomGenerator random;
    private final Duration cycleTime;
    private final short[] registers = new short[REGISTERS];
    private final boolean[] coils = new boolean[16];
    private final boolean[] discreteInputs = new boolean[16];

    private long cycles;
    private long good;
    private long bad;
    private double energyKwh;
    private double inCycleSeconds;
    private boolean frozen;

    /**
     * @param name machine name, written to the name registers (up to 16 ASCII characters)
     * @param order layout of its multi-register values
     * @param cycleTime nominal cycle time, positive
     * @param random source of the simulated noise
     */
    public MoldingMachine(String name, WordOrder order, Duration cycleTime, RandomGenerator random) {
        this.name = name;
        this.order = order;
        this.cycleTime = cycleTime;
        this.random = random;
        synchronized (this) {
            writeTestPattern();
            put(MACHINE_NAME, order.text(name, MACHINE_NAME_REGISTERS));
            registers[MACHINE_MODE] = 3;
            registers[PRODUCTION_STATUS] = 4;
            // plausible process values from the first read on, before the first simulation step
            putFloat(LAST_CYCLE_TIME, cycleTime.toMillis() / 1000f);
            for (int zone = 0; zone < 4; zone++) {
                putFloat(MOLD_TEMP_1 + 2 * zone, 200f + 10 * zone);
            }
            putFloat(INJECTION_PRESSURE, 820f);
            putFloat(POWER, 15f);
            write();
        }
    }

    public String name() {
        return name;
    }

    public WordOrder order() {
        return order;
    }

    /** Advances the simulation by {@code step}; does nothing while frozen. */
    public synchronized void advance(Duration step) {
        if (frozen) {
            return;
        }
        double dt = step.toNanos() / 1e9;
        inCycleSeconds += dt;
        double cycleSeconds = cycleTime.toNanos() / 1e9;
        if (inCycleSeconds >= cycleSeconds) {
            inCycleSeconds -= cycleSeconds;
            cycles++;
            if (random.nextDouble() < 0.02) {
                bad++;
            } else {
                good++;
            }
            putFloat(LAST_CYCLE_TIME, (float) (cycleSeconds * (0.98 + 0.04 * random.nextDouble())));
        }
        double powerKw = 14 + 2 * random.nextDouble();
        energyKwh += powerKw * dt / 3600.0;
        putFloat(POWER, (float) powerKw);
        boolean injecting = inCycleSeconds < cycleSeconds * 0.3;
        putFloat(INJECTION_PRESSURE, (float) (injecting ? 800 + 50 * random.nextDouble() : 5 * random.nextDouble()));
        for (int zone = 0; zone < 4; zone++) {
            putFloat(MOLD_TEMP_1 + 2 * zone, (float) (200 + 10 * zone + random.nextDouble() - 0.5));
        }
        coils[2] = !injecting;
        write();
    }

    /** Stops (true) or resumes (false) value changes: the registers keep their last content. */
    public synchronized void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    /** Sets the cycle, part and energy counters to zero, as a controller does after a power loss or a shift reset. */
    public synchronized void resetCounters() {
        cycles = 0;
        good = 0;
        bad = 0;
        energyKwh = 0;
        write();
    }

    /** Overwrites holding (and input) registers from {@code address}, for tests and scripted values. */
    public synchronized void setRegisters(int address, short... values) {
        put(address, values);
    }

    /** The cycle counter as the machine holds it. */
    public synchronized long cycles() {
        return cycles;
    }

    /**
     * Reads served so far of read-sequence register {@code address} ({@link #READ_SEQUENCE}..199), which is also
     * the last value it returned (it wraps after 65535).
     */
    public synchronized int readsServed(int address) {
        if (address < READ_SEQUENCE || address >= READ_SEQUENCE + READ_SEQUENCE_REGISTERS) {
            throw new IllegalArgumentException("not a read-sequence register: " + address);
        }
        return registers[address] & 0xFFFF;
    }

    synchronized byte[] readRegisters(int address, int quantity) {
        byte[] out = new byte[quantity * 2];
        for (int i = 0; i < quantity; i++) {
            int a = address + i;
            if (a >= READ_SEQUENCE && a < READ_SEQUENCE + READ_SEQUENCE_REGISTERS) {
                registers[a]++;
            }
            short v = registers[a];
            out[2 * i] = (byte) (v >> 8);
            out[2 * i + 1] = (byte) v;
        }
        return out;
    }

    synchronized boolean[] readBits(boolean discrete, int address, int quantity) {
        boolean[] src = discrete ? discreteInputs : coils;
        boolean[] out = new boolean[quantity];
        System.arraycopy(src, address, out, 0, quantity);
        return out;
    }

    static int bitCount() {
        return 16;
    }

    private void write() {
        putUInt32(CYCLE_COUNTER, cycles);
        putUInt32(GOOD_PARTS, good);
        putUInt32(BAD_PARTS, bad);
        put(ENERGY, order.registers(ByteBuffer.allocate(8).putDouble(energyKwh).array()));
        boolean running = registers[PRODUCTION_STATUS] == 4;
        boolean moldOpen = coils[2];
        registers[STATUS_WORD] = (short) ((running ? 1 : 0) | (moldOpen ? 4 : 0));
        coils[0] = running;
        coils[1] = false;
        discreteInputs[0] = !moldOpen;
        discreteInputs[1] = true;
    }

    private void writeTestPattern() {
        registers[TEST_INT16] = TEST_INT16_VALUE;
        registers[TEST_UINT16] = (short) TEST_UINT16_VALUE;
        put(
                TEST_INT32,
                order.registers(ByteBuffer.allocate(4).putInt(TEST_INT32_VALUE).array()));
        putUInt32(TEST_UINT32, TEST_UINT32_VALUE);
        put(
                TEST_INT64,
                order.registers(ByteBuffer.allocate(8).putLong(TEST_INT64_VALUE).array()));
        put(
                TEST_UINT64,
                order.registers(
                        ByteBuffer.allocate(8).putLong(TEST_UINT64_VALUE).array()));
        putFloat(TEST_FLOAT32, TEST_FLOAT32_VALUE);
        put(
                TEST_FLOAT64,
                order.registers(
                        ByteBuffer.allocate(8).putDouble(TEST_FLOAT64_VALUE).array()));
        registers[TEST_BITS] = (short) TEST_BITS_VALUE;
        put(TEST_STRING, order.text(TEST_STRING_VALUE, TEST_STRING_REGISTERS));
        registers[TEST_SCALED] = (short) TEST_SCALED_VALUE;
    }

    private void putUInt32(int address, long value) {
        put(address, order.registers(ByteBuffer.allocate(4).putInt((int) value).array()));
    }

    private void putFloat(int address, float value) {
        put(address, order.registers(ByteBuffer.allocate(4).putFloat(value).array()));
    }

    private void put(int address, short[] values) {
        System.arraycopy(values, 0, registers, address, values.length);
    }
}
