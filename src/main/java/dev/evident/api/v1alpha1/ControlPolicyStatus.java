package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ControlPolicyStatus {
    @JsonPropertyDescription("metadata.generation of the spec this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("SHA-256 of the spec in force, so evidence names the exact policy version (CC8.1).")
    private String specHash;

    @JsonPropertyDescription("0-100: compliant / (compliant + violating) findings; excepted and not applicable ones are left out.")
    private Double score;

    @JsonPropertyDescription("Number of controls in the policy.")
    private Integer controlCount;

    @JsonPropertyDescription("Standard conditions: Ready (the policy is valid and evaluated) and Compliant (no violation).")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("One summary per control.")
    private List<ControlSummary> controls = new ArrayList<>();

    @JsonPropertyDescription("Violations: the total and the first 20.")
    private Violations violations;

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public String getSpecHash() { return specHash; }
    public void setSpecHash(String specHash) { this.specHash = specHash; }
    public Double getScore() { return score; }
    public void setScore(Double score) { this.score = score; }
    public Integer getControlCount() { return controlCount; }
    public void setControlCount(Integer controlCount) { this.controlCount = controlCount; }
    public List<Condition> getConditions() { return conditions; }
    public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
    public List<ControlSummary> getControls() { return controls; }
    public void setControls(List<ControlSummary> controls) { this.controls = controls; }
    public Violations getViolations() { return violations; }
    public void setViolations(Violations violations) { this.violations = violations; }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof ControlPolicyStatus s)) return false;
        return Objects.equals(observedGeneration, s.observedGeneration) && Objects.equals(specHash, s.specHash)
                && Objects.equals(score, s.score) && Objects.equals(controlCount, s.controlCount)
                && Objects.equals(conditions, s.conditions) && Objects.equals(controls, s.controls)
                && Objects.equals(violations, s.violations);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, specHash, score, controlCount, conditions, controls, violations);
    }
}
