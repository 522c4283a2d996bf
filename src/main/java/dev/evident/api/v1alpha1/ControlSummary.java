package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ControlSummary {
    @JsonPropertyDescription("Control id.")
    private String id;
    @JsonPropertyDescription("Control type.")
    private String type;
    @JsonPropertyDescription("Effective mode of the control.")
    private Mode mode;
    @JsonPropertyDescription("SOC 2 criteria the control evidences.")
    private List<String> criteria;
    @JsonPropertyDescription("Objects that pass.")
    private int compliant;
    @JsonPropertyDescription("Objects that fail.")
    private int violating;
    @JsonPropertyDescription("Objects covered by an exception.")
    private int excepted;
    @JsonPropertyDescription("Objects the control could not evaluate.")
    private int errors;
    @JsonPropertyDescription("Remediations applied by this operator instance since the policy's generation was first evaluated.")
    private long remediated;
    @JsonPropertyDescription("Time (RFC 3339) of the evaluation that produced these counts; refreshed at least every resync interval.")
    private String lastEvaluated;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public Mode getMode() { return mode; }
    public void setMode(Mode mode) { this.mode = mode; }
    public List<String> getCriteria() { return criteria; }
    public void setCriteria(List<String> criteria) { this.criteria = criteria; }
    public int getCompliant() { return compliant; }
    public void setCompliant(int compliant) { this.compliant = compliant; }
    public int getViolating() { return violating; }
    public void setViolating(int violating) { this.violating = violating; }
    public int getExcepted() { return excepted; }
    public void setExcepted(int excepted) { this.excepted = excepted; }
    public int getErrors() { return errors; }
    public void setErrors(int errors) { this.errors = errors; }
    public long getRemediated() { return remediated; }
    public void setRemediated(long remediated) { this.remediated = remediated; }
    public String getLastEvaluated() { return lastEvaluated; }
    public void setLastEvaluated(String lastEvaluated) { this.lastEvaluated = lastEvaluated; }

    /** Equal apart from lastEvaluated: decides whether the status really changed. */
    public boolean sameCounts(ControlSummary o) {
        return o != null && compliant == o.compliant && violating == o.violating && excepted == o.excepted
                && errors == o.errors && remediated == o.remediated && Objects.equals(id, o.id)
                && Objects.equals(type, o.type) && mode == o.mode && Objects.equals(criteria, o.criteria);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControlSummary s && sameCounts(s) && Objects.equals(lastEvaluated, s.lastEvaluated);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, type, mode, criteria, compliant, violating, excepted, errors, remediated, lastEvaluated);
    }
}
