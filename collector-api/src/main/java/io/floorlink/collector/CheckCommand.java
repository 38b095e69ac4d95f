package io.floorlink.collector;

import io.floorlink.collector.district.District;
import io.floorlink.collector.district.DistrictLoader;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.InventoryLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code check}: validates an inventory, or a district registry with the inventory of each of its enterprises,
 * offline, before they are loaded into a collector. Exit 0 when valid; {@link CollectorMain#EXIT_CONFIG} with every
 * problem (file, line, column, field) when not.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Checks an inventory (--inventory) or a district registry and the inventories of its enterprises"
                    + " (--district) offline and names every problem with file, line and field.",
            "The inventories of a district are <DIR>/<CODE>/inventory.yaml; DIR defaults to the folder"
                    + " 'enterprises' beside the registry."
        })
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--inventory", paramLabel = "inventory.yaml", description = "an inventory (台账)")
    Path inventory;

    @Option(names = "--district", paramLabel = "district.yaml", description = "a district registry")
    Path district;

    @Option(names = "--inventories", paramLabel = "DIR", description = "folder of the district's inventories")
    Path inventories;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if ((inventory == null) == (district == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either --inventory or --district");
        }
        if (inventories != null && district == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--inventories goes with --district");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (inventory != null) {
            out.println("OK: " + inventory + ": " + describe(InventoryLoader.load(inventory)));
        } else {
            District d = DistrictLoader.load(district);
            Path dir = inventories != null
                    ? inventories
                    : district.toAbsolutePath().getParent().resolve("enterprises");
            Map<String, Inventory> byCode = DistrictLoader.inventories(d, dir);
            long active = d.enterprises().stream()
                    .filter(District.EnterpriseEntry::active)
                    .count();
            out.println("OK: " + district + ": " + d.enterprises().size() + " enterprises (" + active + " active), "
                    + d.programmes().size() + " programmes, " + d.industries().size() + " industries, "
                    + d.contractors().size() + " contractors, " + d.reviews().size() + " reviews");
            for (District.EnterpriseEntry e : d.enterprises()) {
                out.println("  " + e.code() + " [" + e.industry()
                        + (e.contractor() == null ? "" : ", " + e.contractor()) + ", "
                        + e.status().name().toLowerCase(java.util.Locale.ROOT) + "]: "
                        + describe(byCode.get(e.code())));
            }
        }
        out.flush();
        return 0;
    }

    private static String describe(Inventory inventory) {
        long production =
                inventory.equipment().stream().filter(Equipment::production).count();
        long digital = inventory.equipment().stream()
                .filter(e -> e.production() && e.digital())
                .count();
        long key = inventory.equipment().stream()
                .filter(e -> e.production() && e.key())
                .count();
        return "enterprise " + inventory.enterprise().code() + " ("
                + inventory.enterprise().name() + ", "
                + inventory.enterprise().timezone() + "), "
                + inventory.equipment().size() + " equipment ("
                + production + " production, " + digital + " of them digital, " + key + " key), "
                + inventory.calendars().size() + " calendars";
    }
}
