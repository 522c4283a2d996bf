package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExceptionObjectSelector {
    @JsonPropertyDescription("Kind of the objects, as findings name it (ClusterRoleBinding, Ingress, Cluster, ...); absent matches any kind.")
    private String kind;

    @JsonPropertyDescription("Names of the objects (exact).")
    @Required
    @Size(min = 1)
    private List<String> names = new ArrayList<>();

    public String getKind() { return kind; }
    public void setKind(String kind) { this.kind = kind; }
    public List<String> getNames() { return names; }
    public void setNames(List<String> names) { this.names = names; }
}
