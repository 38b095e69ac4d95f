package io.floorlink.edge.config;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.jsontype.impl.TypeIdResolverBase;
import io.floorlink.edge.connector.ConnectorType;
import io.floorlink.edge.connector.ConnectorTypes;

/**
 * Maps a {@code connectors:} entry's {@code type:} to the configuration record of the {@link ConnectorType} of that
 * name, so a connector type is added by registering it, not by editing this package. An unknown name is left to
 * Jackson, which reports it as an unknown type at its line.
 */
final class ConnectorTypeIdResolver extends TypeIdResolverBase {

    @Override
    public String idFromValue(Object value) {
        return ConnectorTypes.of((ConnectorConfig) value).name();
    }

    @Override
    public String idFromValueAndType(Object value, Class<?> suggestedType) {
        return idFromValue(value);
    }

    @Override
    public JavaType typeFromId(DatabindContext context, String id) {
        return ConnectorTypes.named(id)
                .map(t -> context.constructType(t.configClass()))
                .orElse(null);
    }

    @Override
    public String getDescForKnownTypeIds() {
        return String.join(", ", ConnectorTypes.names());
    }

    @Override
    public JsonTypeInfo.Id getMechanism() {
        return JsonTypeInfo.Id.NAME;
    }
}
