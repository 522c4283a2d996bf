package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodSecurityLevelSpec {
    /** Pod Security Standards levels, weakest first. */
    public enum Level { privileged, baseline, restricted }

    @JsonPropertyDescription("Minimum Pod Security Standards level for the namespace's pod-security.kubernetes.io/enforce label: baseline or restricted.")
    @Required
    @io.fabric8.generator.annotation.Pattern("^(baseline|restricted)$")
    private String level;

    public String getLevel() { return level; }
    public void setLevel(String level) { this.level = level; }
}
