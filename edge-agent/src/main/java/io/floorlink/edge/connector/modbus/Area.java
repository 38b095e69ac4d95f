package io.floorlink.edge.connector.modbus;

import java.util.Locale;

/** The four Modbus data areas. */
public enum Area {
    COIL(false, '0'),
    DISCRETE_INPUT(false, '1'),
    INPUT_REGISTER(true, '3'),
    HOLDING_REGISTER(true, '4');

    private final boolean registers;
    private final char modiconDigit;

    Area(boolean registers, char modiconDigit) {
        this.registers = registers;
        this.modiconDigit = modiconDigit;
    }

    /** True for the 16-bit register areas, false for the bit areas. */
    public boolean registers() {
        return registers;
    }

    /** Configuration name, e.g. {@code holding}. */
    public String shortName() {
        return switch (this) {
            case COIL -> "coil";
            case DISCRETE_INPUT -> "discrete";
            case INPUT_REGISTER -> "input";
            case HOLDING_REGISTER -> "holding";
        };
    }

    /** The area of a configuration name (coil, discrete[_input], input[_register], holding[_register]). */
    static Area parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Area a : values()) {
            if (t.equals(a.shortName()) || t.equals(a.name().toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        return null;
    }

    /** The area of a Modicon reference's leading digit (0, 1, 3, 4), or null. */
    static Area fromModiconDigit(char digit) {
        for (Area a : values()) {
            if (a.modiconDigit == digit) {
                return a;
            }
        }
        return null;
    }
}
