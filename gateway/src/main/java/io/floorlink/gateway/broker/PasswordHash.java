package io.floorlink.gateway.broker;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2 password hashes for edge credentials, written {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (salt
 * and hash in unpadded Base64). Verifying costs tens of milliseconds by design: never on a network thread.
 */
public final class PasswordHash {
    public static final String PREFIX = "pbkdf2-sha256$";
    private static final int ITERATIONS = 210_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() {}

    /** True when {@code value} is written in the hash format (as opposed to a clear password). */
    public static boolean isHash(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** Fewest PBKDF2 iterations a stored hash may have; fewer are refused as too cheap to guess. */
    public static final int MIN_ITERATIONS = 10_000;
    /** Most PBKDF2 iterations a stored hash may have; more would let a config stall every CONNECT. */
    public static final int MAX_ITERATIONS = 10_000_000;

    /**
     * Checks a configured password value before it is used: a value in the hash format must be a well-formed hash
     * (iterations in [{@value #MIN_ITERATIONS}, {@value #MAX_ITERATIONS}], salt of at least 8 bytes and hash of at
     * least 16, unpadded Base64); a value that looks like some other hash format (it would otherwise be taken as a
     * clear password and never match) is refused too. The message never contains the value.
     *
     * @param field where the value comes from, for the message (e.g. {@code auth.edges[edge-01].password})
     * @throws IllegalArgumentException naming the field and what is wrong
     */
    public static void check(String value, String field) {
        if (!isHash(value)) {
            String v = value.toLowerCase(java.util.Locale.ROOT);
            if (v.startsWith("pbkdf2")
                    || v.startsWith("$2a$")
                    || v.startsWith("$2b$")
                    || v.startsWith("$2y$")
                    || v.startsWith("$argon2")
                    || v.startsWith("{ssha")
                    || v.startsWith("{sha")) {
                throw new IllegalArgumentException(field + " looks like a password hash but not in the format " + PREFIX
                        + "<iterations>$<salt>$<hash> (make one with PasswordHash)");
            }
            return;
        }
        String[] parts = value.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException(
                    field + ": malformed password hash, expected " + PREFIX + "<iterations>$<salt>$<hash>");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": malformed password hash, iterations is not a number");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException(field + ": password hash iterations must be " + MIN_ITERATIONS + ".."
                    + MAX_ITERATIONS + " but are " + iterations);
        }
        try {
            if (Base64.getDecoder().decode(parts[1]).length < 8) {
                throw new IllegalArgumentException(field + ": password hash salt is shorter than 8 bytes");
            }
            if (Base64.getDecoder().decode(parts[2]).length < 16) {
                throw new IllegalArgumentException(field + ": password hash is shorter than 16 bytes");
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(field)) {
                throw e;
            }
            throw new IllegalArgumentException(field + ": malformed password hash, salt or hash is not Base64");
        }
    }

    /** Hashes a password with a fresh random salt. Blocks for the hash computation. */
    public static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return format(ITERATIONS, salt, derive(password, salt, ITERATIONS, 32));
    }

    private static String format(int iterations, byte[] salt, byte[] hash) {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /**
     * Checks a password against a stored hash in constant time. Blocks for the hash computation.
     *
     * @throws IllegalArgumentException when {@code stored} is not in the hash format
     */
    public static boolean verify(String password, String stored) {
        String[] parts = stored.substring(PREFIX.length()).split("\\$");
        if (!isHash(stored) || parts.length != 3) {
            throw new IllegalArgumentException("not a " + PREFIX + "<iterations>$<salt>$<hash> password hash");
        }
        int iterations = Integer.parseInt(parts[0]);
        byte[] salt = Base64.getDecoder().decode(parts[1]);
        byte[] expected = Base64.getDecoder().decode(parts[2]);
        return MessageDigest.isEqual(expected, derive(password, salt, iterations, expected.length));
    }

    /** Constant-time comparison of two clear passwords. */
    public static boolean equalsClear(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] derive(String password, byte[] salt, int iterations, int bytes) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bytes * 8);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        }
    }

    /** Prints the hash of the password read from standard input, for {@code auth.edges[].password}. */
    public static void main(String[] args) throws java.io.IOException {
        String pw =
                new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (pw == null || pw.isEmpty()) {
            System.err.println(
                    "usage: echo -n 'password' | java -cp floorlink-collector.jar " + PasswordHash.class.getName());
            System.exit(2);
        }
        System.out.println(hash(pw));
    }
}
