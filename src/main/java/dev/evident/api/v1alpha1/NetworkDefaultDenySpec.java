package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkDefaultDenySpec {
    public enum PolicyType { Ingress, Egress }

    @JsonPropertyDescription("Directions that must be denied by default: Ingress, Egress or both (default both).")
    @Default("[\"Ingress\",\"Egress\"]")
    @Size(min = 1)
    private List<PolicyType> policyTypes = new ArrayList<>(List.of(PolicyType.Ingress, PolicyType.Egress));

    @JsonPropertyDescription("When true (default) the default-deny may still allow egress to port 53 (UDP and TCP) for DNS.")
    @Default("true")
    private boolean allowDns = true;

    public List<PolicyType> getPolicyTypes() { return policyTypes; }
    public void setPolicyTypes(List<PolicyType> policyTypes) { this.policyTypes = policyTypes; }
    public boolean isAllowDns() { return allowDns; }
    public void setAllowDns(boolean allowDns) { this.allowDns = allowDns; }
}
