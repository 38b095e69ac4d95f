package io.floorlink.collector.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The sample inventory ({@code src/test/resources/inventory.yaml}, enterprise ENT001) the API tests start with. */
final class SampleInventory {
    private SampleInventory() {}

    /** Copies it to {@code dir/inventory.yaml} (a collector may rewrite its inventory file) and returns that path. */
    static Path copyTo(Path dir) throws IOException {
        Path inventory = dir.resolve("inventory.yaml");
        try (InputStream in = SampleInventory.class.getResourceAsStream("/inventory.yaml")) {
            Files.copy(in, inventory, StandardCopyOption.REPLACE_EXISTING);
        }
        return inventory;
    }
}
