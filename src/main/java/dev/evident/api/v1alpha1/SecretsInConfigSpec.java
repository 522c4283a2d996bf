package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretsInConfigSpec {
    @JsonPropertyDescription("Key names (container env names, ConfigMap keys) that suggest a credential, matched case-insensitively;"
            + " * matches any run of characters. A key matching one fails when it carries a literal value (not valueFrom, not"
            + " empty, not a file path or $(VAR) reference).")
    @Default("[\"*password*\",\"*passwd*\",\"*secret*\",\"*token*\",\"*apikey*\",\"*api_key*\",\"*api-key*\",\"*accesskey*\","
            + "\"*access_key*\",\"*privatekey*\",\"*private_key*\",\"*credential*\"]")
    private List<String> keyNames = new ArrayList<>(List.of("*password*", "*passwd*", "*secret*", "*token*", "*apikey*", "*api_key*",
            "*api-key*", "*accesskey*", "*access_key*", "*privatekey*", "*private_key*", "*credential*"));

    @JsonPropertyDescription("Key names never judged, neither by name nor by value format (case-insensitive, * wildcards),"
            + " for example TOKEN_AUDIENCE.")
    private List<String> allowedKeys = new ArrayList<>();

    public List<String> getKeyNames() { return keyNames; }
    public void setKeyNames(List<String> keyNames) { this.keyNames = keyNames; }
    public List<String> getAllowedKeys() { return allowedKeys; }
    public void setAllowedKeys(List<String> allowedKeys) { this.allowedKeys = allowedKeys; }
}
