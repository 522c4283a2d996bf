package dev.evident.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a policy spec in canonical JSON (sorted keys), so equal specs hash equal wherever they come from. */
public final class SpecHash {
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private SpecHash() {
    }

    public static String of(Object spec) {
        try {
            JsonNode tree = CANONICAL.valueToTree(spec);
            byte[] json = CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(tree, Object.class));
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot hash policy spec", e);
        }
    }
}
