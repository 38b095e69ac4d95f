package io.floorlink.gateway;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PEM certificates and PKCS#8 private keys read with the JDK alone, and PKCS12 stores made from them (HiveMQ CE
 * reads only JKS/PKCS12). Errors name the configuration field and never contain key material or passwords.
 */
public final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final String CONVERT = "convert it with: openssl pkcs8 -topk8 -in key.pem -out key.p8.pem -nocrypt"
            + " (or without -nocrypt for an encrypted key)";

    private Pem() {}

    /**
     * The certificates of a PEM file in file order (for a chain: leaf first).
     *
     * @param field configuration field named in errors, e.g. {@code gateway.broker.tls.certificate}
     * @throws IllegalArgumentException naming the field when the file is unreadable or holds no certificate
     */
    public static List<X509Certificate> certificates(Path file, String field) {
        String text = read(file, field);
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                if ("CERTIFICATE".equals(m.group(1))) {
                    certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(decode(m, field))));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    field + ": " + file + " holds a certificate that cannot be read: " + e.getMessage());
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException(
                    field + ": " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(certs);
    }

    /**
     * The private key of a PEM PKCS#8 file, {@code BEGIN PRIVATE KEY} or {@code BEGIN ENCRYPTED PRIVATE KEY}
     * (PBES2, as {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} makes it); RSA or EC.
     *
     * @param password needed for an encrypted key only, nullable
     * @throws IllegalArgumentException naming the field for PKCS#1 or SEC1 keys (with the conversion command), a
     *     missing or wrong password, an algorithm the JDK cannot decrypt, or an unreadable key
     */
    public static PrivateKey privateKey(Path file, String password, String field) {
        String text = read(file, field);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("RSA PRIVATE KEY") || type.equals("EC PRIVATE KEY")) {
                throw new IllegalArgumentException(field + ": " + file + " is a " + type
                        + " (PKCS#1/SEC1) file; a PKCS#8 key (BEGIN PRIVATE KEY) is needed, " + CONVERT);
            }
            if (type.equals("PRIVATE KEY")) {
                return pkcs8(new PKCS8EncodedKeySpec(decode(m, field)), file, field);
            }
            if (type.equals("ENCRYPTED PRIVATE KEY")) {
                if (password == null) {
                    throw new IllegalArgumentException(
                            field + ": " + file + " is an encrypted key: " + field + "_password is required");
                }
                return pkcs8(decrypt(decode(m, field), password, file, field), file, field);
            }
        }
        throw new IllegalArgumentException(field + ": " + file + " holds no PEM private key (BEGIN PRIVATE KEY or"
                + " BEGIN ENCRYPTED PRIVATE KEY)");
    }

    /**
     * PEM armour of DER bytes: {@code -----BEGIN type-----}, the Base64 in lines of 64 characters, {@code -----END
     * type-----}, each line ending with {@code \n}.
     *
     * @param type the label, e.g. {@code PUBLIC KEY} or {@code PRIVATE KEY}
     */
    public static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /**
     * The DER bytes of the first {@code type} block of PEM text (text around the blocks is ignored).
     *
     * @param where what the text is, named in errors (a file, a field)
     * @throws IllegalArgumentException naming {@code where} when the text holds no such block or its Base64 is
     *     not valid
     */
    public static byte[] decode(String text, String type, String where) {
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (type.equals(m.group(1))) {
                return decode(m, where);
            }
        }
        throw new IllegalArgumentException(where + " holds no PEM " + type + " (-----BEGIN " + type + "-----)");
    }

    /**
     * Checks that {@code key} belongs to {@code leaf} by signing a random challenge and verifying it with the
     * certificate's public key.
     *
     * @throws IllegalArgumentException naming the field when it does not
     */
    public static void checkMatches(PrivateKey key, X509Certificate leaf, String field) {
        String alg =
                switch (key.getAlgorithm()) {
                    case "RSA" -> "SHA256withRSA";
                    case "EC" -> "SHA256withECDSA";
                    default ->
                        throw new IllegalArgumentException(
                                field + ": key algorithm " + key.getAlgorithm() + " is not supported (RSA or EC)");
                };
        boolean ok;
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature sign = Signature.getInstance(alg);
            sign.initSign(key);
            sign.update(challenge);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(alg);
            verify.initVerify(leaf.getPublicKey());
            verify.update(challenge);
            ok = verify.verify(signature);
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (!ok) {
            throw new IllegalArgumentException(field + " does not match the public key of the first certificate in"
                    + " certificate (" + leaf.getSubjectX500Principal().getName() + ")");
        }
    }

    /** A PKCS12 key store with {@code key} and its chain under alias {@code server}, key and store protected by password. */
    public static KeyStore keyStore(PrivateKey key, List<X509Certificate> chain, char[] password)
            throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, password, chain.toArray(Certificate[]::new));
        return ks;
    }

    /** A PKCS12 trust store with each certificate as a trusted entry ({@code ca-0}, {@code ca-1}, ...). */
    public static KeyStore trustStore(List<X509Certificate> cas) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            ks.setCertificateEntry("ca-" + i, cas.get(i));
        }
        return ks;
    }

    private static PrivateKey pkcs8(PKCS8EncodedKeySpec spec, Path file, String field) {
        for (String alg : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // next algorithm
            }
        }
        throw new IllegalArgumentException(field + ": " + file + " is not a readable RSA or EC PKCS#8 private key");
    }

    private static PKCS8EncodedKeySpec decrypt(byte[] der, String password, Path file, String field) {
        EncryptedPrivateKeyInfo info;
        try {
            info = new EncryptedPrivateKeyInfo(der);
        } catch (IOException e) {
            throw new IllegalArgumentException(field + ": " + file + " is not a readable encrypted PKCS#8 key");
        }
        // for PBES2 getAlgName() is just "PBES2"; the parameters name the real cipher, e.g.
        // PBEWithHmacSHA256AndAES_256
        String alg = info.getAlgParameters() == null
                ? info.getAlgName()
                : info.getAlgParameters().toString();
        Cipher cipher;
        SecretKey secret;
        try {
            secret = SecretKeyFactory.getInstance(alg).generateSecret(new PBEKeySpec(password.toCharArray()));
            cipher = Cipher.getInstance(alg);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(field + ": " + file + " is encrypted with " + alg
                    + ", which this JDK cannot decrypt; re-encrypt with openssl pkcs8 -topk8 -v2 aes-256-cbc");
        }
        try {
            cipher.init(Cipher.DECRYPT_MODE, secret, info.getAlgParameters());
            return info.getKeySpec(cipher);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    field + ": " + file + " cannot be decrypted (wrong private_key_password?)");
        }
    }

    private static String read(Path file, String field) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    field + ": cannot read " + file + ": " + e.getClass().getSimpleName());
        }
    }

    private static byte[] decode(Matcher m, String field) {
        try {
            return Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": a PEM " + m.group(1) + " block is not valid Base64");
        }
    }
}
