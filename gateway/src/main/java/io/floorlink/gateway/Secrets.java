package io.floorlink.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves secret values given as {@code ${ENV_NAME}} or {@code ${file:/path}} (for values not already resolved
 * by the YAML loader, e.g. configuration built in code). Other values are returned unchanged.
 */
final class Secrets {
    private static final Pattern REF = Pattern.compile("\\$\\{(file:)?([^}]+)}");

    private Secrets() {}

    /**
     * @param field configuration path used in errors, e.g. {@code gateway.store.password}
     * @throws IllegalArgumentException naming the field when the variable is unset or the file unreadable
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
                return Files.readString(Path.of(m.group(2))).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException(field + ": cannot read secret file " + m.group(2) + ": " + e);
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
