package dev.evident.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `audit` over files with Cilium policies and Gateways: a kind is installed when the input holds its CRD or any
 * object of it; without either, Cilium credits nothing and GatewayTLS says the Gateway API is absent.
 */
class OptionalKindsAuditTest {
    private static final String NETWORK_POLICY = """
            apiVersion: evident.dev/v1alpha1
            kind: ControlPolicy
            metadata: {name: net}
            spec:
              controls:
                - {id: NET-001, type: NetworkDefaultDeny}
            """;
    private static final String GATEWAY_POLICY = """
            apiVersion: evident.dev/v1alpha1
            kind: ControlPolicy
            metadata: {name: gw}
            spec:
              controls:
                - {id: TLS-002, type: GatewayTLS}
            """;
    private static final String CCNP = """
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata: {name: default-deny}
            spec:
              endpointSelector:
                matchExpressions: [{key: io.kubernetes.pod.namespace, operator: NotIn, values: [kube-system]}]
              ingress: [{}]
              egress:
              - toPorts: [{ports: [{port: "53", protocol: UDP}]}]
            """;
    private static final String CNP_WITHOUT_NAMESPACE = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: deny-all}
            spec: {endpointSelector: {}, ingress: [{}], egress: [{}]}
            """;

    @TempDir
    Path dir;

    private JsonNode audit(String policy, String... resources) throws Exception {
        Path p = Cli.write(dir, "policy.yaml", policy);
        Path cluster = Cli.write(dir, "cluster/ns.yaml", Cli.namespace("web", null) + "---\n" + String.join("---\n", resources));
        Cli run = Cli.run("audit", "--policy", p.toString(), "--resources", cluster.getParent().toString(), "--output", "json");
        assertThat(run.exitCode()).as(run.toString()).isLessThan(2);
        return new ObjectMapper().readTree(run.out());
    }

    @Test
    void aClusterwideCiliumPolicyCreditsTheNamespace() throws Exception {
        JsonNode f = audit(NETWORK_POLICY, CCNP).get("findings").get(0);
        assertThat(f.get("result").asText()).isEqualTo("pass");
        assertThat(f.get("message").asText()).isEqualTo("default-deny [Ingress, Egress] by CiliumClusterwideNetworkPolicy default-deny");
    }

    @Test
    void aCiliumNetworkPolicyWithoutNamespaceIsInTheDefaultNamespaceAsKubectlWouldPutIt() throws Exception {
        JsonNode findings = audit(NETWORK_POLICY, CNP_WITHOUT_NAMESPACE, Cli.namespace("default", null)).get("findings");
        assertThat(findings).hasSize(2);
        for (JsonNode f : findings) {
            assertThat(f.get("result").asText()).as(f.toString()).isEqualTo("default".equals(f.get("name").asText()) ? "pass" : "fail");
        }
    }

    @Test
    void withoutCiliumNothingIsCreditedAndWithOnlyItsDefinitionTheMessageSaysCiliumWasConsidered() throws Exception {
        JsonNode absent = audit(NETWORK_POLICY).get("findings").get(0);
        assertThat(absent.get("result").asText()).isEqualTo("fail");
        assertThat(absent.get("message").asText()).isEqualTo("no NetworkPolicy selecting all pods denies [Ingress, Egress]");
        JsonNode installed = audit(NETWORK_POLICY, crd("ciliumnetworkpolicies.cilium.io")).get("findings").get(0);
        assertThat(installed.get("result").asText()).isEqualTo("fail");
        assertThat(installed.get("message").asText()).isEqualTo("no NetworkPolicy or Cilium policy selecting all pods denies [Ingress, Egress]");
    }

    @Test
    void withoutTheGatewayApiTheAuditSaysSoAndJudgesNothing() throws Exception {
        Path p = Cli.write(dir, "policy.yaml", GATEWAY_POLICY);
        Path cluster = Cli.write(dir, "cluster/ns.yaml", Cli.namespace("web", null));
        Cli run = Cli.run("audit", "--policy", p.toString(), "--resources", cluster.toString(), "--output", "json");
        JsonNode json = new ObjectMapper().readTree(run.out());
        JsonNode f = json.get("findings").get(0);
        assertThat(json.get("findings")).hasSize(1);
        assertThat(f.get("result").asText()).isEqualTo("notApplicable");
        assertThat(f.get("reason").asText()).isEqualTo("GatewayApiNotInstalled");
        assertThat(json.get("policies").get(0).get("score").isNull()).isTrue();
        assertThat(json.get("policies").get(0).get("compliant").asText()).isEqualTo("Unknown");
        assertThat(run.err()).contains("policy gw judged no object (NothingSelected)");
    }

    @Test
    void gatewaysInTheInputAreJudged() throws Exception {
        JsonNode json = audit(GATEWAY_POLICY, crd("gateways.gateway.networking.k8s.io"), """
                apiVersion: gateway.networking.k8s.io/v1beta1
                kind: Gateway
                metadata: {name: web, namespace: web}
                spec:
                  gatewayClassName: example
                  listeners:
                  - {name: http, hostname: shop.example.com, port: 80, protocol: HTTP}
                """);
        JsonNode f = json.get("findings").get(0);
        assertThat(json.get("findings")).hasSize(1);
        assertThat(f.get("kind").asText()).isEqualTo("Gateway");
        assertThat(f.get("reason").asText()).isEqualTo("PlainTextListener");
    }

    private static String crd(String name) {
        return """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: %s}
                spec: {group: x, names: {kind: X, plural: x}, scope: Namespaced, versions: []}
                """.formatted(name);
    }
}
