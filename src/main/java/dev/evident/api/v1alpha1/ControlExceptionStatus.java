package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ControlExceptionStatus {
    public static final int MAX_ITEMS = 10;

    @JsonPropertyDescription("metadata.generation of the spec this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Active (findings are excepted), Expired (expiresAt has passed: they are violations again) or Invalid "
            + "(the spec is wrong, see the Ready condition: nothing is excepted).")
    private String state;

    @JsonPropertyDescription("The expiry in force, as given in spec.expiresAt.")
    private String expiresAt;

    @JsonPropertyDescription("Findings the exception covers: excepted while Active, violations again once Expired.")
    private Integer coveredCount;

    @JsonPropertyDescription("The first 10 covered findings.")
    private List<Violation> covered = new ArrayList<>();

    @JsonPropertyDescription("True when the exception is Active but matches no finding that needs it: a waiver nobody needs.")
    private Boolean unused;

    @JsonPropertyDescription("Standard conditions: Ready (valid and applied to its policy's latest evaluation).")
    private List<Condition> conditions = new ArrayList<>();

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public String getState() { return state; }
    public void setState(String state) { this.state = state; }
    public String getExpiresAt() { return expiresAt; }
    public void setExpiresAt(String expiresAt) { this.expiresAt = expiresAt; }
    public Integer getCoveredCount() { return coveredCount; }
    public void setCoveredCount(Integer coveredCount) { this.coveredCount = coveredCount; }
    public List<Violation> getCovered() { return covered; }
    public void setCovered(List<Violation> covered) { this.covered = covered; }
    public Boolean getUnused() { return unused; }
    public void setUnused(Boolean unused) { this.unused = unused; }
    public List<Condition> getConditions() { return conditions; }
    public void setConditions(List<Condition> conditions) { this.conditions = conditions; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControlExceptionStatus s && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(state, s.state) && Objects.equals(expiresAt, s.expiresAt)
                && Objects.equals(coveredCount, s.coveredCount) && Objects.equals(covered, s.covered)
                && Objects.equals(unused, s.unused) && Objects.equals(conditions, s.conditions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, state, expiresAt, coveredCount, covered, unused, conditions);
    }
}
