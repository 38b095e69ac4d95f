package io.floorlink.gateway;

import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves secret values given as {@code ${ENV_NAME}} or {@code ${file:/path}} (for values not already resolved
 * by the YAML loader, e.g. configuration built in code). Other values are returned unchanged. A secret file is read
 * by {@link YamlConfig#readSecretFile} with the YAML loader's limits (one line, trailing line breaks removed, at
 * most {@link YamlConfig#MAX_SECRET_FILE_BYTES}); there being no YAML file here, a relative path is resolved
 * against the working directory.
 */
final class Secrets {
    private static final Pattern REF = Pattern.compile("\\$\\{(file:)?([^}]+)}");

    private Secrets() {}

    /**
     * @param field configuration path used in errors, e.g. {@code gateway.store.password}
     * @throws IllegalArgumentException naming the field when the variable is unset or the file unreadable, too
     *     large or more than one line (naming the file, never its content)
     */
    static String resolve(String value, String field, Function<String, String> env) {
        if (value == null) {
            return null;
        }
        Matcher m = REF.matcher(value.trim());
        if (!m.matches()) {
            return value;
        }
        if (m.group(1) != null) {
            try {
                return YamlConfig.readSecretFile(null, m.group(2).strip(), field + ": ");
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        String v = env.apply(m.group(2));
        if (v == null) {
            throw new IllegalArgumentException(field + ": environment variable " + m.group(2) + " is not set");
        }
        return v;
    }

    static String resolve(String value, String field) {
        return resolve(value, field, System::getenv);
    }
}
