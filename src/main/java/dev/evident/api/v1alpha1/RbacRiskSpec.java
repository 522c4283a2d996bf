package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * One RBAC risk class: a switch and an allow-list of its own. The switch's default differs per class
 * ({@link RbacRiskOnSpec}, {@link RbacRiskOffSpec}), so that it can live in the schema.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class RbacRiskSpec {
    @JsonPropertyDescription("Subjects that may hold this risk, besides rbacLeastPrivilege.allowedSubjects (which does not apply to"
            + " anonymous and systemMasters). name (and namespace for ServiceAccounts) may use * as a wildcard.")
    private List<SubjectRef> allowedSubjects = new ArrayList<>();

    public abstract boolean isEnabled();

    public abstract void setEnabled(boolean enabled);

    public List<SubjectRef> getAllowedSubjects() { return allowedSubjects; }
    public void setAllowedSubjects(List<SubjectRef> allowedSubjects) { this.allowedSubjects = allowedSubjects; }
}
