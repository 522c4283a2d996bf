package dev.evident.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Offline, a policy gets exactly the defaults the API server would apply from the committed CRD's schema. */
class SchemaDefaultsTest {
    private final ObjectDecoder decoder = new ObjectDecoder(dev.evident.controls.StandardControls.catalog().reads());

    private ControlPolicy read(String yaml) {
        List<Manifest> manifests = new ArrayList<>();
        ManifestReader.parse("p.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), false, false, manifests::add);
        return decoder.policy(manifests.get(0));
    }

    private static JsonNode crdSpecSchema() throws Exception {
        JsonNode crd = new YAMLMapper().readTree(Path.of("crds/controlpolicies.evident.dev-v1.yml").toFile());
        return crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema").path("properties").path("spec");
    }

    @Test
    void nullFieldsGetTheSchemaDefaultAsOnTheApiServer() throws Exception {
        ControlPolicy policy = read("""
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: p}
                spec:
                  mode:
                  excludedNamespaces:
                  controls:
                    - id: RBAC-001
                      type: RbacLeastPrivilege
                      rbacLeastPrivilege:
                        forbidAnonymous:
                        remediation: ~
                """);

        JsonNode schema = crdSpecSchema();
        List<String> excluded = new ArrayList<>();
        schema.path("properties").path("excludedNamespaces").path("default").forEach(n -> excluded.add(n.asText()));
        assertThat(excluded).as("the CRD declares the default").isNotEmpty();
        assertThat(policy.getSpec().getExcludedNamespaces()).isEqualTo(excluded);
        assertThat(policy.getSpec().getMode()).isEqualTo(Mode.valueOf(schema.path("properties").path("mode").path("default").asText()));
        var rbac = policy.getSpec().getControls().get(0).getRbacLeastPrivilege();
        JsonNode rbacSchema = schema.path("properties").path("controls").path("items").path("properties").path("rbacLeastPrivilege").path("properties");
        assertThat(rbac.isForbidAnonymous()).isEqualTo(rbacSchema.path("forbidAnonymous").path("default").asBoolean()).isTrue();
        assertThat(rbac.getRemediation().name()).isEqualTo(rbacSchema.path("remediation").path("default").asText());
    }

    @Test
    void explicitValuesAndEmptyListsAreKept() {
        ControlPolicy policy = read("""
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: p}
                spec:
                  excludedNamespaces: []
                  controls:
                    - id: RBAC-001
                      type: RbacLeastPrivilege
                      rbacLeastPrivilege: {forbidAnonymous: false}
                """);
        assertThat(policy.getSpec().getExcludedNamespaces()).isEmpty();
        assertThat(policy.getSpec().getControls().get(0).getRbacLeastPrivilege().isForbidAnonymous()).isFalse();
    }

    @Test
    void nullsWithoutDefaultArePrunedAndNullListItemsRefused() {
        ControlPolicy policy = read("""
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: p}
                spec:
                  namespaceSelector: {matchLabels: {team: }}
                  controls:
                    - id: NET-001
                      type: NetworkDefaultDeny
                      networkDefaultDeny: {}
                """);
        assertThat(policy.getSpec().getNamespaceSelector().getMatchLabels()).isEmpty();
        assertThat(policy.getSpec().getControls().get(0).getNetworkDefaultDeny().getPolicyTypes()).hasSize(2);
    }
}
