package io.floorlink.collector.district;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A writable copy of the golden district ({@code testcases/district-golden}) for a collector under test: the
 * registry and the inventory of each of its enterprises.
 *
 * @param registry the copied {@code district.yaml}
 * @param inventories the folder holding {@code <CODE>/inventory.yaml}
 */
public record GoldenDistrictFiles(Path registry, Path inventories) {
    /** Where the golden district lives in the sources. */
    public static final Path SOURCE = Path.of("src/test/resources/testcases/district-golden");
    /** Its enterprises, in registry order. */
    public static final List<String> CODES = List.of("ENT-SEW", "ENT-MOLD", "ENT-ASM");

    /** Copies it into {@code dir} ({@code district.yaml} and {@code enterprises/}). */
    public static GoldenDistrictFiles copyTo(Path dir) throws IOException {
        Path registry = Files.copy(SOURCE.resolve("district.yaml"), dir.resolve("district.yaml"));
        Path inventories = dir.resolve("enterprises");
        for (String code : CODES) {
            Files.createDirectories(inventories.resolve(code));
            Files.copy(
                    SOURCE.resolve("enterprises").resolve(code).resolve("inventory.yaml"),
                    inventories.resolve(code).resolve("inventory.yaml"));
        }
        return new GoldenDistrictFiles(registry, inventories);
    }

    /** The inventory file of one enterprise of the copy. */
    public Path inventory(String code) {
        return inventories.resolve(code).resolve("inventory.yaml");
    }
}
