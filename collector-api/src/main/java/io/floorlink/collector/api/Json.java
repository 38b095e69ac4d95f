package io.floorlink.collector.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.config.Durations;
import java.io.IOException;
import java.time.Duration;

/** The API's JSON conventions: snake_case fields, ISO-8601 instants, durations as in configuration ("1s"). */
public final class Json {
    private static final ObjectMapper MAPPER = create();

    private Json() {}

    /** The shared, thread-safe mapper of the HTTP API; tests read answers with it too. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper create() {
        SimpleModule module = new SimpleModule("floorlink-api");
        module.addSerializer(new StdSerializer<>(Duration.class) {
            @Override
            public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(Durations.format(value));
            }
        });
        module.addSerializer(new StdSerializer<>(Category.class) {
            @Override
            public void serialize(Category value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.wireName());
            }
        });
        return JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .addModule(new JavaTimeModule())
                .addModule(module)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }
}
