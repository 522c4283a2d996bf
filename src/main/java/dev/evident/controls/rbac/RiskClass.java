package dev.evident.controls.rbac;

import dev.evident.api.v1alpha1.RbacLeastPrivilegeSpec;
import dev.evident.api.v1alpha1.RbacRiskSpec;
import dev.evident.api.v1alpha1.RbacRisksSpec;
import java.util.function.Function;

/**
 * The RBAC risk classes, in the order a binding's finding takes its reason from (the first class it
 * fails). Role classes are about what the bound role grants; subject classes (anonymous, systemMasters)
 * are about who is bound, whatever the role, and rbacLeastPrivilege.allowedSubjects does not apply to them.
 */
public enum RiskClass {
    ANONYMOUS("anonymous", "AnonymousBinding", false, RbacRisksSpec::getAnonymous),
    CLUSTER_ADMIN("clusterAdmin", "ClusterAdminGrant", true, RbacRisksSpec::getClusterAdmin),
    SYSTEM_MASTERS("systemMasters", "SystemMastersBinding", false, RbacRisksSpec::getSystemMasters),
    WILDCARD("wildcard", "WildcardGrant", true, RbacRisksSpec::getWildcard),
    ESCALATION("escalation", "EscalationGrant", true, RbacRisksSpec::getEscalation),
    SECRETS_READ("secretsRead", "SecretsReadGrant", true, RbacRisksSpec::getSecretsRead),
    POD_EXEC("podExec", "PodExecGrant", true, RbacRisksSpec::getPodExec),
    WORKLOAD_CREATE("workloadCreate", "WorkloadCreateGrant", true, RbacRisksSpec::getWorkloadCreate),
    NODE_PROXY("nodeProxy", "NodeProxyGrant", true, RbacRisksSpec::getNodeProxy),
    TOKEN_REQUEST("tokenRequest", "TokenRequestGrant", true, RbacRisksSpec::getTokenRequest),
    CERTIFICATE_APPROVAL("certificateApproval", "CertificateApprovalGrant", true, RbacRisksSpec::getCertificateApproval);

    private final String field;
    private final String reason;
    private final boolean roleClass;
    private final Function<RbacRisksSpec, RbacRiskSpec> settings;

    RiskClass(String field, String reason, boolean roleClass, Function<RbacRisksSpec, RbacRiskSpec> settings) {
        this.field = field;
        this.reason = reason;
        this.roleClass = roleClass;
        this.settings = settings;
    }

    /** The name in the policy (rbacLeastPrivilege.risks.&lt;name&gt;) and in reports. */
    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }

    /** Whether the class is about what the role grants (else: about who is bound). */
    public boolean roleClass() {
        return roleClass;
    }

    public RbacRiskSpec settings(RbacLeastPrivilegeSpec spec) {
        RbacRisksSpec risks = spec.getRisks() == null ? new RbacRisksSpec() : spec.getRisks();
        RbacRiskSpec s = settings.apply(risks);
        return s != null ? s : settings.apply(new RbacRisksSpec());
    }

    /** Whether the policy judges this class; anonymous also needs forbidAnonymous. */
    public boolean enabled(RbacLeastPrivilegeSpec spec) {
        return settings(spec).isEnabled() && (this != ANONYMOUS || spec.isForbidAnonymous());
    }

    @Override
    public String toString() {
        return field;
    }
}
