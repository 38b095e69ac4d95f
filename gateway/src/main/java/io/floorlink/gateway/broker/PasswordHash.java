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
                    "usage: echo -n 'password' | java -cp floorlink-gateway.jar " + PasswordHash.class.getName());
            System.exit(2);
        }
        System.out.println(hash(pw));
    }
}
