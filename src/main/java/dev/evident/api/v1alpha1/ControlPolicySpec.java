package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ControlPolicySpec {
    /** Also the schema default; kept here so that offline audits (no API server) see the same value. */
    public static final List<String> DEFAULT_EXCLUDED_NAMESPACES = List.of("kube-system", "kube-public", "kube-node-lease");

    @JsonPropertyDescription("Audit (default) only reports; Enforce also remediates. A control may override it.")
    @Default("Audit")
    private Mode mode = Mode.Audit;

    @JsonPropertyDescription("Label selector for the namespaces the policy applies to. Empty or absent selects all namespaces.")
    private LabelSelector namespaceSelector;

    @JsonPropertyDescription("Namespaces never evaluated, whatever the selector says.")
    @Default("[\"kube-system\",\"kube-public\",\"kube-node-lease\"]")
    private List<String> excludedNamespaces = new ArrayList<>(DEFAULT_EXCLUDED_NAMESPACES);

    @JsonPropertyDescription("The controls this policy requires. Each id must be unique within the policy.")
    @Required
    @Size(min = 1)
    private List<ControlSpec> controls = new ArrayList<>();

    public Mode getMode() { return mode; }
    public void setMode(Mode mode) { this.mode = mode; }
    public LabelSelector getNamespaceSelector() { return namespaceSelector; }
    public void setNamespaceSelector(LabelSelector namespaceSelector) { this.namespaceSelector = namespaceSelector; }
    public List<String> getExcludedNamespaces() { return excludedNamespaces; }
    public void setExcludedNamespaces(List<String> excludedNamespaces) { this.excludedNamespaces = excludedNamespaces; }
    public List<ControlSpec> getControls() { return controls; }
    public void setControls(List<ControlSpec> controls) { this.controls = controls; }
}
