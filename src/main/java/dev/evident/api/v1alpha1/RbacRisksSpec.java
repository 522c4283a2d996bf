package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/**
 * The RBAC risk classes, each with a switch and its own allow-list. clusterAdmin, wildcard, escalation and
 * anonymous are on by default (what RbacLeastPrivilege has always judged); the others are off until a
 * policy switches them on.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RbacRisksSpec {
    @JsonPropertyDescription("A binding to ClusterRole cluster-admin (reason ClusterAdminGrant).")
    @Default("{}")
    private RbacRiskOnSpec clusterAdmin = new RbacRiskOnSpec();

    @JsonPropertyDescription("* verbs on * resources in an API group with sensitive resources (reason WildcardGrant); see anyResource.")
    @Default("{}")
    private RbacWildcardRiskSpec wildcard = new RbacWildcardRiskSpec();

    @JsonPropertyDescription("The verbs escalate, bind or impersonate, or * verbs on what they act on (reason EscalationGrant).")
    @Default("{}")
    private RbacRiskOnSpec escalation = new RbacRiskOnSpec();

    @JsonPropertyDescription("A binding to system:anonymous or system:unauthenticated, whatever the role (reason AnonymousBinding);"
            + " judged only while forbidAnonymous is true too.")
    @Default("{}")
    private RbacRiskOnSpec anonymous = new RbacRiskOnSpec();

    @JsonPropertyDescription("get, list or watch on secrets, not limited by resourceNames (reason SecretsReadGrant).")
    @Default("{}")
    private RbacRiskOffSpec secretsRead = new RbacRiskOffSpec();

    @JsonPropertyDescription("create on pods/exec, pods/attach or pods/portforward (reason PodExecGrant).")
    @Default("{}")
    private RbacRiskOffSpec podExec = new RbacRiskOffSpec();

    @JsonPropertyDescription("create on pods or workload controllers, which runs code as any ServiceAccount of the namespace"
            + " (reason WorkloadCreateGrant).")
    @Default("{}")
    private RbacRiskOffSpec workloadCreate = new RbacRiskOffSpec();

    @JsonPropertyDescription("Any verb on nodes/proxy: the kubelet API, exec into any pod of the node (reason NodeProxyGrant).")
    @Default("{}")
    private RbacRiskOffSpec nodeProxy = new RbacRiskOffSpec();

    @JsonPropertyDescription("create on serviceaccounts/token: tokens for any ServiceAccount in scope (reason TokenRequestGrant).")
    @Default("{}")
    private RbacRiskOffSpec tokenRequest = new RbacRiskOffSpec();

    @JsonPropertyDescription("update on certificatesigningrequests/approval together with approve on signers: issuing client"
            + " certificates (reason CertificateApprovalGrant).")
    @Default("{}")
    private RbacRiskOffSpec certificateApproval = new RbacRiskOffSpec();

    @JsonPropertyDescription("A binding (other than the API server's own bootstrapping ones) to Group system:masters, which"
            + " bypasses RBAC altogether (reason SystemMastersBinding).")
    @Default("{}")
    private RbacRiskOffSpec systemMasters = new RbacRiskOffSpec();

    public RbacRiskOnSpec getClusterAdmin() { return clusterAdmin; }
    public void setClusterAdmin(RbacRiskOnSpec clusterAdmin) { this.clusterAdmin = clusterAdmin; }
    public RbacWildcardRiskSpec getWildcard() { return wildcard; }
    public void setWildcard(RbacWildcardRiskSpec wildcard) { this.wildcard = wildcard; }
    public RbacRiskOnSpec getEscalation() { return escalation; }
    public void setEscalation(RbacRiskOnSpec escalation) { this.escalation = escalation; }
    public RbacRiskOnSpec getAnonymous() { return anonymous; }
    public void setAnonymous(RbacRiskOnSpec anonymous) { this.anonymous = anonymous; }
    public RbacRiskOffSpec getSecretsRead() { return secretsRead; }
    public void setSecretsRead(RbacRiskOffSpec secretsRead) { this.secretsRead = secretsRead; }
    public RbacRiskOffSpec getPodExec() { return podExec; }
    public void setPodExec(RbacRiskOffSpec podExec) { this.podExec = podExec; }
    public RbacRiskOffSpec getWorkloadCreate() { return workloadCreate; }
    public void setWorkloadCreate(RbacRiskOffSpec workloadCreate) { this.workloadCreate = workloadCreate; }
    public RbacRiskOffSpec getNodeProxy() { return nodeProxy; }
    public void setNodeProxy(RbacRiskOffSpec nodeProxy) { this.nodeProxy = nodeProxy; }
    public RbacRiskOffSpec getTokenRequest() { return tokenRequest; }
    public void setTokenRequest(RbacRiskOffSpec tokenRequest) { this.tokenRequest = tokenRequest; }
    public RbacRiskOffSpec getCertificateApproval() { return certificateApproval; }
    public void setCertificateApproval(RbacRiskOffSpec certificateApproval) { this.certificateApproval = certificateApproval; }
    public RbacRiskOffSpec getSystemMasters() { return systemMasters; }
    public void setSystemMasters(RbacRiskOffSpec systemMasters) { this.systemMasters = systemMasters; }
}
