package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class RbacLeastPrivilegeSpec {
    public enum Remediation { Report, RemoveSubjects }

    @JsonPropertyDescription("Subjects that may hold any risk class except anonymous and systemMasters. name (and namespace for ServiceAccounts) may use * as a wildcard.")
    private List<SubjectRef> allowedSubjects = new ArrayList<>();

    @JsonPropertyDescription("When true (default) any binding to system:anonymous or system:unauthenticated fails, whatever the role.")
    @Default("true")
    private boolean forbidAnonymous = true;

    @JsonPropertyDescription("Report (default) only reports; RemoveSubjects (in Enforce mode) removes the offending subjects after recording the original binding.")
    @Default("Report")
    private Remediation remediation = Remediation.Report;

    @JsonPropertyDescription("The risk classes judged, each with a switch and its own allow-list. clusterAdmin, wildcard, escalation and anonymous are on by default; secretsRead, podExec, workloadCreate, nodeProxy, tokenRequest, certificateApproval and systemMasters are off.")
    @Default("{}")
    private RbacRisksSpec risks = new RbacRisksSpec();

    public RbacRisksSpec getRisks() { return risks; }
    public void setRisks(RbacRisksSpec risks) { this.risks = risks; }
    public List<SubjectRef> getAllowedSubjects() { return allowedSubjects; }
    public void setAllowedSubjects(List<SubjectRef> allowedSubjects) { this.allowedSubjects = allowedSubjects; }
    public boolean isForbidAnonymous() { return forbidAnonymous; }
    public void setForbidAnonymous(boolean forbidAnonymous) { this.forbidAnonymous = forbidAnonymous; }
    public Remediation getRemediation() { return remediation; }
    public void setRemediation(Remediation remediation) { this.remediation = remediation; }
}
