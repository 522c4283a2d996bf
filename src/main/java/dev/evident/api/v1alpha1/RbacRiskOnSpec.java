package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** A risk class judged unless switched off: the classes RbacLeastPrivilege has always judged. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RbacRiskOnSpec extends RbacRiskSpec {
    @JsonPropertyDescription("Whether bindings are judged for this risk (default true).")
    @Default("true")
    private boolean enabled = true;

    @Override
    public boolean isEnabled() { return enabled; }
    @Override
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
}
