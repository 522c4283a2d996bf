package dev.evident.evidence;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 checkpoints of the chain head. The signed message is the UTF-8 text
 * {@code evident-checkpoint-v1\n<seq>\n<hash>\n<time>} of the head record; keys are PEM, as
 * {@code openssl genpkey -algorithm ed25519} (PKCS#8 private key) and {@code openssl pkey -pubout}
 * (X.509 public key) write them.
 */
public final class Checkpoints {
    public static final String ALGORITHM = "Ed25519";

    private Checkpoints() {
    }

    /** Signs with a private key; the key id names the public key that verifies it. */
    public record Signer(PrivateKey key, String keyId) {

        /** The data of a checkpoint record for the given head. */
        public ObjectNode sign(EvidenceRecord head) {
            try {
                Signature signature = Signature.getInstance(ALGORITHM);
                signature.initSign(key);
                signature.update(message(head.seq(), head.hash(), head.time()));
                ObjectNode data = JsonNodeFactory.instance.objectNode();
                data.put("seq", head.seq());
                data.put("hash", head.hash());
                data.put("time", head.time());
                data.put("algorithm", ALGORITHM);
                data.put("keyId", keyId);
                data.put("signature", Base64.getEncoder().encodeToString(signature.sign()));
                return data;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign checkpoint", e);
            }
        }
    }

    static byte[] message(long seq, String hash, String time) {
        return ("evident-checkpoint-v1\n" + seq + "\n" + hash + "\n" + time).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the checkpoint data carries a valid signature by this public key. */
    public static boolean verify(ObjectNode checkpoint, PublicKey key) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(key);
            signature.update(message(checkpoint.path("seq").asLong(), checkpoint.path("hash").asText(), checkpoint.path("time").asText()));
            return signature.verify(Base64.getDecoder().decode(checkpoint.path("signature").asText()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** A short id of a public key: the first 16 hex digits of the SHA-256 of its X.509 encoding. */
    public static String keyId(PublicKey key) {
        return EvidenceRecord.sha256(HexFormat.of().formatHex(key.getEncoded())).substring(7, 23);
    }

    public static PublicKey publicKey(String pem) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----)");
        }
    }

    public static PrivateKey privateKey(String pem) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 private key in PEM (-----BEGIN PRIVATE KEY-----)");
        }
    }

    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] der(String pem, String label) {
        int begin = pem.indexOf("-----BEGIN " + label + "-----");
        int end = pem.indexOf("-----END " + label + "-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("not an Ed25519 " + label.toLowerCase(java.util.Locale.ROOT) + " in PEM (-----BEGIN " + label + "-----)");
        }
        String body = pem.substring(begin + label.length() + 16, end).replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a PEM " + label + ": bad base64");
        }
    }
}
