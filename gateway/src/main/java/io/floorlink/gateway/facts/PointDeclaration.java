package io.floorlink.gateway.facts;

/**
 * A point's contract from the latest DBIRTH ({@code point_declaration} row).
 *
 * @param datatype Sparkplug datatype code
 * @param category nullable
 * @param unit nullable
 * @param intervalMs nullable
 * @param engLow nullable
 * @param engHigh nullable
 * @param birthAt epoch ms of the DBIRTH
 */
public record PointDeclaration(
        String groupId,
        String edgeNodeId,
        String deviceId,
        String pointId,
        int datatype,
        String category,
        String unit,
        Long intervalMs,
        Double engLow,
        Double engHigh,
        long birthAt) {}
