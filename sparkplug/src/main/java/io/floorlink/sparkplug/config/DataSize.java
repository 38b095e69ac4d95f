package io.floorlink.sparkplug.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of bytes written with a unit in configuration: {@code 512B}, {@code 64KB}, {@code 2GB} (powers of
 * 1024, as disks are sized by operators; {@code KiB}/{@code MiB}/{@code GiB} are accepted too).
 *
 * @param bytes the size in bytes, not negative
 */
public record DataSize(long bytes) {
    private static final Pattern FORMAT =
            Pattern.compile("(\\d+)\\s*(B|KB|KIB|MB|MIB|GB|GIB|TB|TIB)", Pattern.CASE_INSENSITIVE);

    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("size must not be negative: " + bytes);
        }
    }

    /**
     * Parses {@code <integer><unit>}.
     *
     * @throws IllegalArgumentException saying the expected form
     */
    public static DataSize parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size; write e.g. 512MB or 2GB");
        }
        long n = Long.parseLong(m.group(1));
        int shift =
                switch (m.group(2).toUpperCase(Locale.ROOT)) {
                    case "B" -> 0;
                    case "KB", "KIB" -> 10;
                    case "MB", "MIB" -> 20;
                    case "GB", "GIB" -> 30;
                    default -> 40;
                };
        if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return new DataSize(n << shift);
    }
}
