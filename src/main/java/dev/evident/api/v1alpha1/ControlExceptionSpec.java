package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ControlExceptionSpec {
    /** Shorter than this is not a justification an auditor accepts; also the schema's minLength. */
    public static final int MIN_JUSTIFICATION = 20;

    @JsonPropertyDescription("Name of the ControlPolicy whose controls are waived.")
    @Required
    @Size(min = 1)
    private String policy;

    @JsonPropertyDescription("Control ids of that policy (spec.controls[].id) that are waived.")
    @Required
    @Size(min = 1)
    private List<String> controls = new ArrayList<>();

    @JsonPropertyDescription("Findings on objects in these namespaces are waived (a Namespace's own finding by its name). "
            + "Give namespaces, objectSelector or both (then an object must match both).")
    private List<String> namespaces;

    @JsonPropertyDescription("Findings on named objects are waived, cluster-scoped ones included (for example the ClusterRoleBinding "
            + "system:public-info-viewer, or kind Cluster name kube-apiserver for a managed control plane).")
    private ExceptionObjectSelector objectSelector;

    @JsonPropertyDescription("Why the control is knowingly not met, for the auditor: at least 20 characters.")
    @Required
    @Size(min = MIN_JUSTIFICATION)
    private String justification;

    @JsonPropertyDescription("Who approved the waiver (a person or role, such as an email address).")
    @Required
    @Size(min = 1)
    private String approvedBy;

    @JsonPropertyDescription("Reference of the approval in the change or risk register (optional).")
    private String ticket;

    @JsonPropertyDescription("RFC 3339 time the waiver ends, such as 2027-01-31T00:00:00Z; at most the operator's maximum "
            + "(evident.exceptions.max-duration, default 90 days) after creation. Findings are violations again from then.")
    @Required
    @Size(min = 1)
    private String expiresAt;

    public String getPolicy() { return policy; }
    public void setPolicy(String policy) { this.policy = policy; }
    public List<String> getControls() { return controls; }
    public void setControls(List<String> controls) { this.controls = controls; }
    public List<String> getNamespaces() { return namespaces; }
    public void setNamespaces(List<String> namespaces) { this.namespaces = namespaces; }
    public ExceptionObjectSelector getObjectSelector() { return objectSelector; }
    public void setObjectSelector(ExceptionObjectSelector objectSelector) { this.objectSelector = objectSelector; }
    public String getJustification() { return justification; }
    public void setJustification(String justification) { this.justification = justification; }
    public String getApprovedBy() { return approvedBy; }
    public void setApprovedBy(String approvedBy) { this.approvedBy = approvedBy; }
    public String getTicket() { return ticket; }
    public void setTicket(String ticket) { this.ticket = ticket; }
    public String getExpiresAt() { return expiresAt; }
    public void setExpiresAt(String expiresAt) { this.expiresAt = expiresAt; }
}
