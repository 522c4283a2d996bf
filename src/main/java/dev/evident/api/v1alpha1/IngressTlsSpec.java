package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class IngressTlsSpec {
    @JsonPropertyDescription("cert-manager ClusterIssuer; when set and the mode is Enforce, uncovered hosts get a tls entry and the cert-manager.io/cluster-issuer annotation.")
    private String certManagerClusterIssuer = "";

    public String getCertManagerClusterIssuer() { return certManagerClusterIssuer; }
    public void setCertManagerClusterIssuer(String certManagerClusterIssuer) { this.certManagerClusterIssuer = certManagerClusterIssuer; }
}
