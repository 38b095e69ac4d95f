package io.floorlink.edge.buffer;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;

/**
 * The process {@link DurableBufferKillIT} kills with SIGKILL: appends and commits records in a loop as fast as it
 * can and prints {@code committed <rid>} after every commit returned, so the test knows what must survive.
 */
final class BufferKillVictim {
    private BufferKillVictim() {}

    public static void main(String[] args) {
        DurableBuffer b =
                DurableBuffer.open(Path.of(args[0]), 64L << 20, Overflow.DROP_OLDEST, new SimpleMeterRegistry());
        System.out.println("epoch " + b.epoch() + " next " + b.nextRid());
        System.out.flush();
        long i = 0;
        while (true) {
            for (int k = 0; k < 100; k++) {
                b.append(
                        "SEW-01",
                        Metrics.metric("speed", DataType.DOUBLE, (double) i++)
                                .setTimestamp(i)
                                .build());
            }
            long durable = b.commit();
            System.out.println("committed " + durable);
            System.out.flush();
        }
    }
}
