package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class EncryptedStorageSpec {
    @JsonPropertyDescription("StorageClass names accepted as they are (for example classes encrypted by the platform).")
    private List<String> allowedStorageClasses = new ArrayList<>();

    @JsonPropertyDescription("Per provisioner, the StorageClass parameters that must all be present with these values (for example ebs.csi.aws.com: {encrypted: \"true\"}).")
    private Map<String, Map<String, String>> requiredParameters = new LinkedHashMap<>();

    public List<String> getAllowedStorageClasses() { return allowedStorageClasses; }
    public void setAllowedStorageClasses(List<String> allowedStorageClasses) { this.allowedStorageClasses = allowedStorageClasses; }
    public Map<String, Map<String, String>> getRequiredParameters() { return requiredParameters; }
    public void setRequiredParameters(Map<String, Map<String, String>> requiredParameters) { this.requiredParameters = requiredParameters; }
}
