package dev.evident.controls.encryption;

import static dev.evident.engine.Fixtures.NOW;
import static dev.evident.engine.Fixtures.namespace;
import static dev.evident.engine.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.controls.StandardControls;
import dev.evident.engine.Engine;
import dev.evident.engine.Finding;
import dev.evident.engine.Fixtures;
import dev.evident.engine.InMemorySnapshot;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Result;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayTLSTest {
    private static final ControlPolicy POLICY = policy("p", Mode.Audit, Fixtures.control("TLS-002", "GatewayTLS"));

    static GenericKubernetesResource gateway(String name, String listeners) {
        return gateway("gateway.networking.k8s.io/v1", name, listeners);
    }

    static GenericKubernetesResource gateway(String apiVersion, String name, String listeners) {
        return Serialization.unmarshal("""
                apiVersion: %s
                kind: Gateway
                metadata: {name: %s, namespace: shop}
                spec:
                  gatewayClassName: example
                  listeners:
                %s""".formatted(apiVersion, name, listeners.indent(2)), GenericKubernetesResource.class);
    }

    static Secret secret(String namespace, String name, String type) {
        return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata().withType(type).build();
    }

    private static PolicyEvaluation evaluate(HasMetadata... objects) {
        List<HasMetadata> all = new ArrayList<>(List.of(objects));
        all.add(0, namespace("shop"));
        all.add(0, namespace("certs"));
        return new Engine(StandardControls.catalog(), null).evaluate(POLICY, InMemorySnapshot.of(NOW, all));
    }

    private static Finding judge(HasMetadata... objects) {
        PolicyEvaluation evaluation = evaluate(objects);
        assertThat(evaluation.problems()).isEmpty();
        assertThat(evaluation.findings()).hasSize(1);
        return evaluation.findings().get(0);
    }

    private static final String HTTPS = """
            - name: https
              hostname: shop.example.com
              port: 443
              protocol: HTTPS
              tls:
                mode: Terminate
                certificateRefs: [{kind: Secret, group: "", name: shop-tls}]
            """;

    @Test
    void httpsListenerWithATlsSecretPasses() {
        Finding f = judge(gateway("web", HTTPS), secret("shop", "shop-tls", "kubernetes.io/tls"));
        assertThat(f.result()).isEqualTo(Result.PASS);
        assertThat(f.reason()).isEqualTo("AllHostnamesCovered");
        assertThat(f.object()).isEqualTo(new ObjectRef("Gateway", "shop", "web"));
        assertThat(f.criteria()).containsExactly("CC6.7");
        assertThat(f.message()).isEqualTo("TLS with kubernetes.io/tls Secrets for listener https (shop.example.com)");
        assertThat(f.remediation()).isNull();
    }

    @Test
    void httpListenerWithAHostnameFails() {
        Finding f = judge(gateway("web", HTTPS + """
                - name: http
                  hostname: shop.example.com
                  port: 80
                  protocol: HTTP
                """), secret("shop", "shop-tls", "kubernetes.io/tls"));
        assertThat(f.result()).isEqualTo(Result.FAIL);
        assertThat(f.reason()).isEqualTo("PlainTextListener");
        assertThat(f.message()).startsWith("listeners without TLS: listener http (shop.example.com): protocol HTTP, not HTTPS or TLS")
                .contains("ControlException").endsWith("; not remediated");
        assertThat(f.remediation()).isNull();
    }

    @Test
    void missingSecretFails() {
        Finding f = judge(gateway("web", HTTPS));
        assertThat(f.result()).isEqualTo(Result.FAIL);
        assertThat(f.reason()).isEqualTo("TlsSecretMissing");
        assertThat(f.message()).contains("listener https (shop.example.com): no kubernetes.io/tls Secret shop-tls");
    }

    @Test
    void secretOfTheWrongTypeFails() {
        Finding f = judge(gateway("web", HTTPS), secret("shop", "shop-tls", "Opaque"));
        assertThat(f.result()).isEqualTo(Result.FAIL);
        assertThat(f.reason()).isEqualTo("TlsSecretWrongType");
        assertThat(f.message()).contains("Secret shop-tls has type Opaque, not kubernetes.io/tls");
    }

    @Test
    void everyCertificateRefMustBeUsable() {
        Finding f = judge(gateway("web", """
                - name: https
                  hostname: shop.example.com
                  protocol: HTTPS
                  port: 443
                  tls: {certificateRefs: [{name: shop-tls}, {name: shop-ecdsa}]}
                """), secret("shop", "shop-tls", "kubernetes.io/tls"));
        assertThat(f.reason()).isEqualTo("TlsSecretMissing");
        assertThat(f.message()).contains("Secret shop-ecdsa");
    }

    @Test
    void httpsWithoutCertificateRefsOrWithANonSecretRefFails() {
        Finding none = judge(gateway("web", "- {name: https, hostname: shop.example.com, protocol: HTTPS, port: 443}\n"));
        assertThat(none.reason()).isEqualTo("ListenerWithoutCertificate");
        assertThat(none.message()).contains("no tls.certificateRefs");
        Finding other = judge(gateway("web", """
                - name: https
                  hostname: shop.example.com
                  protocol: HTTPS
                  port: 443
                  tls: {certificateRefs: [{group: example.com, kind: Vault, name: shop}]}
                """));
        assertThat(other.reason()).isEqualTo("CertificateRefNotSecret");
        assertThat(other.message()).contains("certificateRef Vault.example.com shop is not a Secret");
    }

    @Test
    void crossNamespaceRefIsJudgedInItsNamespaceAndSaysTheGrantIsNotChecked() {
        String listener = """
                - name: https
                  hostname: shop.example.com
                  protocol: HTTPS
                  port: 443
                  tls: {certificateRefs: [{name: wildcard, namespace: certs}]}
                """;
        Finding f = judge(gateway("web", listener), secret("certs", "wildcard", "kubernetes.io/tls"));
        assertThat(f.result()).isEqualTo(Result.PASS);
        assertThat(f.message()).contains("cross-namespace certificateRefs certs/wildcard: their ReferenceGrant is not checked");
        assertThat(judge(gateway("web", listener), secret("shop", "wildcard", "kubernetes.io/tls")).reason()).isEqualTo("TlsSecretMissing");
    }

    @Test
    void listenersWithoutHostnameAreNotJudged() {
        String http = "- {name: http, port: 80, protocol: HTTP}\n";
        Finding f = judge(gateway("web", HTTPS + http), secret("shop", "shop-tls", "kubernetes.io/tls"));
        assertThat(f.result()).isEqualTo(Result.PASS);
        assertThat(f.message()).endsWith("; 1 listener(s) without hostname not judged");
        Finding only = judge(gateway("web", http));
        assertThat(only.result()).isEqualTo(Result.NOT_APPLICABLE);
        assertThat(only.reason()).isEqualTo("NoHostnames");
    }

    @Test
    void tlsPassthroughPassesAndSaysTheBackendHoldsTheCertificate() {
        Finding f = judge(gateway("db", """
                - name: tls
                  hostname: db.example.com
                  protocol: TLS
                  port: 443
                  tls: {mode: Passthrough}
                """));
        assertThat(f.result()).isEqualTo(Result.PASS);
        assertThat(f.message()).isEqualTo("TLS passed through to the backend, which holds the certificate (not judged),"
                + " for listener tls (db.example.com)");
        Finding https = judge(gateway("db", "- {name: https, hostname: db.example.com, protocol: HTTPS, port: 443, tls: {mode: Passthrough}}\n"));
        assertThat(https.result()).isEqualTo(Result.FAIL);
        assertThat(https.message()).contains("tls.mode Passthrough is only valid with protocol TLS");
    }

    @Test
    void v1beta1GatewaysAreJudgedAndAGatewayServedInBothVersionsOnce() {
        GenericKubernetesResource beta = gateway("gateway.networking.k8s.io/v1beta1", "web", HTTPS);
        assertThat(judge(beta, secret("shop", "shop-tls", "kubernetes.io/tls")).result()).isEqualTo(Result.PASS);
        PolicyEvaluation both = evaluate(gateway("web", HTTPS), beta);
        assertThat(both.findings()).singleElement().satisfies(f -> assertThat(f.reason()).isEqualTo("TlsSecretMissing"));
    }

    @Test
    void withoutTheGatewayApiOneNotApplicableFindingSaysSoAndNothingIsJudged() {
        PolicyEvaluation evaluation = evaluate();
        Finding f = evaluation.findings().get(0);
        assertThat(evaluation.findings()).hasSize(1);
        assertThat(f.result()).isEqualTo(Result.NOT_APPLICABLE);
        assertThat(f.reason()).isEqualTo("GatewayApiNotInstalled");
        assertThat(f.object()).isEqualTo(new ObjectRef("CustomResourceDefinition", null, "gateways.gateway.networking.k8s.io"));
        assertThat(evaluation.nothingJudged()).as("no silent pass").isTrue();
        assertThat(evaluation.score()).isNull();
    }

    @Test
    void withTheGatewayApiButNoGatewayThereIsNoFinding() {
        GenericKubernetesResource crd = new GenericKubernetesResourceBuilder().withApiVersion("apiextensions.k8s.io/v1")
                .withKind("CustomResourceDefinition").withNewMetadata().withName("gateways.gateway.networking.k8s.io").endMetadata().build();
        PolicyEvaluation evaluation = evaluate(crd);
        assertThat(evaluation.findings()).isEmpty();
        assertThat(evaluation.nothingJudged()).isTrue();
    }
}
