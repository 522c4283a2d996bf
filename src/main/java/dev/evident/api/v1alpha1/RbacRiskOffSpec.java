package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** A risk class judged only when switched on, so that existing policies keep their verdicts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RbacRiskOffSpec extends RbacRiskSpec {
    @JsonPropertyDescription("Whether bindings are judged for this risk (default false).")
    @Default("false")
    private boolean enabled;

    @Override
    public boolean isEnabled() { return enabled; }
    @Override
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
}
