package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** The wildcard risk: judged by default in its narrow form, widened with anyResource. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RbacWildcardRiskSpec extends RbacRiskOnSpec {
    @JsonPropertyDescription("When false (default) only * verbs on * resources count. When true, also * verbs on any"
            + " resource and any write verb (create, update, patch, delete, deletecollection) on * resources. Either way only"
            + " in API groups with sensitive resources (core, apps, batch, rbac.authorization.k8s.io, ...; see README).")
    @Default("false")
    private boolean anyResource;

    public boolean isAnyResource() { return anyResource; }
    public void setAnyResource(boolean anyResource) { this.anyResource = anyResource; }
}
