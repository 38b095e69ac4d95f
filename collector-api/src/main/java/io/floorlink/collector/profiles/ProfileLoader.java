package io.floorlink.collector.profiles;

import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The acceptance profiles known to the collector: the shipped default {@value #DEFAULT_ID} and the {@code *.yaml}
 * files of a configured directory. Immutable and thread-safe once loaded.
 */
public final class ProfileLoader {
    /** Id of the shipped default profile. */
    public static final String DEFAULT_ID = "miit-2024-level2";

    private static final String DEFAULT_RESOURCE = "/profiles/" + DEFAULT_ID + ".yaml";

    private final Map<String, Profile> profiles;
    private final Profile defaultProfile;

    private ProfileLoader(Map<String, Profile> profiles, Profile defaultProfile) {
        this.profiles = profiles;
        this.defaultProfile = defaultProfile;
    }

    /**
     * The shipped profile plus the profiles of {@code dir}. Blocks on file I/O.
     *
     * @param dir folder of extra profiles ({@code *.yaml}, {@code *.yml}); null for none
     * @throws ConfigException naming file, line, column and field of a bad profile, or a duplicate id
     */
    public static ProfileLoader load(Path dir) {
        Map<String, Profile> all = new LinkedHashMap<>();
        Profile shipped = shipped();
        all.put(shipped.id(), shipped);
        if (dir != null) {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.{yaml,yml}")) {
                ds.forEach(files::add);
            } catch (IOException e) {
                throw new ConfigException(dir + ": cannot list profiles: " + e.getMessage(), e);
            }
            files.sort(null);
            for (Path f : files) {
                Profile p = YamlConfig.load(f, Profile.class);
                if (all.containsKey(p.id())) {
                    throw new ConfigException(f + ": id: profile id '" + p.id() + "' is already defined"
                            + (p.id().equals(DEFAULT_ID) ? " by the shipped profile" : " by another file"));
                }
                all.put(p.id(), p);
            }
        }
        return new ProfileLoader(Map.copyOf(all), shipped);
    }

    /** Only the shipped profile. */
    public static ProfileLoader shippedOnly() {
        return load(null);
    }

    /** Parses profile text (tests, tools); {@code source} names it in errors. */
    public static Profile parse(String source, String yaml) {
        return YamlConfig.parse(source, yaml, System::getenv, Profile.class);
    }

    /** The shipped default profile {@value #DEFAULT_ID}. */
    public static Profile shipped() {
        try (InputStream in = ProfileLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("shipped profile " + DEFAULT_RESOURCE + " is missing from the jar");
            }
            return parse("classpath:" + DEFAULT_RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Profile defaultProfile() {
        return defaultProfile;
    }

    public Optional<Profile> get(String id) {
        return Optional.ofNullable(profiles.get(id));
    }

    /** Every profile, default first, then by id. */
    public Collection<Profile> all() {
        List<Profile> list = new ArrayList<>(profiles.values());
        list.sort((a, b) -> a == defaultProfile ? -1 : b == defaultProfile ? 1 : a.id().compareTo(b.id()));
        return list;
    }

    /** The same registry with the default profile replaced (e.g. θ overridden by collector.yaml). */
    public ProfileLoader withDefault(Profile replacement) {
        Map<String, Profile> all = new LinkedHashMap<>(profiles);
        all.put(replacement.id(), replacement);
        return new ProfileLoader(Map.copyOf(all), replacement);
    }
}
