package io.floorlink.edge.connector;

import io.floorlink.edge.config.ConnectorConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The connector types on the class path, loaded once through {@link ServiceLoader}. */
public final class ConnectorTypes {
    private static final List<ConnectorType> ALL = load();

    private ConnectorTypes() {}

    /** Every connector type, in the order of their registrations (opcua, modbus, mqtt in this jar). */
    public static List<ConnectorType> all() {
        return ALL;
    }

    /** Their {@code type:} names, in {@link #all()} order. */
    public static List<String> names() {
        return ALL.stream().map(ConnectorType::name).toList();
    }

    /** The connector type of a {@code type:} name, empty when none is on the class path. */
    public static Optional<ConnectorType> named(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * The connector type of a configuration record.
     *
     * @throws IllegalArgumentException when no registered type has its class (a build problem)
     */
    public static ConnectorType of(ConnectorConfig config) {
        for (ConnectorType t : ALL) {
            if (t.configClass().isInstance(config)) {
                return t;
            }
        }
        throw new IllegalArgumentException("connector '" + config.name() + "': no connector type registered for "
                + config.getClass().getName());
    }

    /** A new, not yet started connector for {@code config}. Does not connect. */
    public static Connector create(ConnectorConfig config, MeterRegistry registry) {
        return of(config).create(config, registry);
    }

    /**
     * The packaged sample configuration of a connector type ({@code sample.yaml} beside its configuration record).
     *
     * @return empty when no such type is on the class path
     * @throws IllegalStateException when the type ships no sample (a build problem)
     */
    public static Optional<String> sample(String name) {
        Optional<ConnectorType> type = named(name);
        if (type.isEmpty()) {
            return Optional.empty();
        }
        Class<?> config = type.get().configClass();
        try (InputStream in = config.getResourceAsStream("sample.yaml")) {
            if (in == null) {
                throw new IllegalStateException(config.getPackageName().replace('.', '/')
                        + "/sample.yaml is missing from the jar (build problem)");
            }
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<ConnectorType> load() {
        List<ConnectorType> types = new ArrayList<>();
        for (ConnectorType t : ServiceLoader.load(ConnectorType.class, ConnectorTypes.class.getClassLoader())) {
            if (types.stream().anyMatch(known -> known.name().equals(t.name()))) {
                throw new IllegalStateException("connector type '" + t.name() + "' registered twice: "
                        + t.getClass().getName());
            }
            types.add(t);
        }
        return List.copyOf(types);
    }
}
