package io.floorlink.sparkplug.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class StandardMetersTest {
    @Test
    void bindsMicrometersStandardJvmAndProcessMetersUnderTheirOwnNames() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        try (StandardMeters ignored = StandardMeters.bindTo(registry)) {
            assertThat(registry.find("jvm.memory.used").gauges()).isNotEmpty();
            assertThat(registry.find("jvm.gc.memory.allocated").counter()).isNotNull();
            assertThat(registry.find("jvm.threads.live").gauge()).isNotNull();
            assertThat(registry.find("jvm.classes.loaded").gauge()).isNotNull();
            assertThat(registry.find("process.cpu.usage").gauge()).isNotNull();
            assertThat(registry.find("system.cpu.count").gauge()).isNotNull();
            assertThat(registry.find("process.uptime").timeGauge()).isNotNull();
            assertThat(registry.getMeters())
                    .extracting(m -> m.getId().getName())
                    .noneMatch(name -> name.startsWith("floorlink."));
        }
    }

    @Test
    void bindingTheSameRegistryTwiceAddsNothing() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        try (StandardMeters first = StandardMeters.bindTo(registry)) {
            int meters = registry.getMeters().size();
            try (StandardMeters second = StandardMeters.bindTo(registry)) {
                assertThat(registry.getMeters()).hasSize(meters);
            }
            Meter allocated = registry.find("jvm.gc.memory.allocated").meter();
            assertThat(allocated).isNotNull();
        }
    }

    @Test
    void compositesAreBoundThroughTheirChildrenSoASharedChildIsBoundOnce() {
        SimpleMeterRegistry shared = new SimpleMeterRegistry();
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        CompositeMeterRegistry one = new CompositeMeterRegistry();
        one.add(shared);
        one.add(first);
        CompositeMeterRegistry two = new CompositeMeterRegistry();
        two.add(shared);
        two.add(second);

        try (StandardMeters a = StandardMeters.bindTo(one)) {
            int sharedMeters = shared.getMeters().size();
            try (StandardMeters b = StandardMeters.bindTo(two)) {
                assertThat(shared.getMeters()).hasSize(sharedMeters);
                assertThat(first.find("jvm.memory.used").gauges()).isNotEmpty();
                assertThat(second.find("jvm.memory.used").gauges()).isNotEmpty();
                assertThat(second.find("jvm.gc.memory.allocated").counter()).isNotNull();
            }
        }
    }
}
