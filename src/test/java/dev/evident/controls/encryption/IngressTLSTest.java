package dev.evident.controls.encryption;

import static dev.evident.engine.Fixtures.namespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.IngressTlsSpec;
import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import dev.evident.engine.Remediation;
import dev.evident.engine.Result;
import dev.evident.engine.Fixtures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngressTLSTest {
    private final IngressTLS control = new IngressTLS();

    private static Secret secret(String name, String type) {
        return new SecretBuilder().withNewMetadata().withNamespace("web").withName(name).endMetadata().withType(type).build();
    }

    private static Secret tlsSecret(String name) {
        return secret(name, "kubernetes.io/tls");
    }

    /** An Ingress in namespace web with one rule per host (null for a hostless rule). */
    private static IngressBuilder ingress(String name, String... hosts) {
        IngressBuilder b = new IngressBuilder().withNewMetadata().withNamespace("web").withName(name).endMetadata().withNewSpec().endSpec();
        for (String host : hosts) {
            b.editSpec().addToRules(new IngressRuleBuilder().withHost(host).withNewHttp()
                    .addNewPath().withPath("/").withPathType("Prefix").withNewBackend().withNewService().withName("app")
                    .withNewPort().withNumber(80).endPort().endService().endBackend().endPath().endHttp().build()).endSpec();
        }
        return b;
    }

    private static IngressBuilder tls(IngressBuilder b, String secretName, String... hosts) {
        return b.editSpec().addToTls(new IngressTLSBuilder().withSecretName(secretName).withHosts(hosts).build()).endSpec();
    }

    private static ControlSpec spec(String issuer) {
        return Fixtures.configured(IngressTLS.TYPE, c -> {
            IngressTlsSpec s = new IngressTlsSpec();
            s.setCertManagerClusterIssuer(issuer);
            c.setIngressTls(s);
        });
    }

    private Finding only(ControlSpec spec, HasMetadata... objects) {
        List<HasMetadata> all = new ArrayList<>(List.of(namespace("web"), namespace("payments")));
        all.addAll(List.of(objects));
        List<Finding> findings = control.evaluate(Fixtures.context(control, spec, all.toArray(HasMetadata[]::new)));
        assertEquals(1, findings.size(), () -> "findings: " + findings);
        return findings.get(0);
    }

    private Finding only(HasMetadata... objects) {
        return only(spec(""), objects);
    }

    private static Ingress updated(Finding f) {
        return (Ingress) assertInstanceOf(Remediation.Update.class, f.remediation()).updated();
    }

    private static List<List<Object>> tlsOf(Ingress ingress) {
        return ingress.getSpec().getTls().stream().map(t -> List.<Object>of(t.getSecretName(), t.getHosts())).toList();
    }

    @Test
    void everyHostCoveredPasses() {
        Finding f = only(tls(ingress("shop", "shop.example.com", "api.example.com"), "shop-tls", "shop.example.com", "api.example.com").build(),
                tlsSecret("shop-tls"));
        assertEquals(Result.PASS, f.result());
        assertEquals("AllHostsCovered", f.reason());
        assertEquals(new ObjectRef("Ingress", "web", "shop"), f.object());
    }

    @Test
    void someHostsCoveredOnlyFailsNamingTheOthers() {
        Finding f = only(tls(ingress("shop", "shop.example.com", "admin.example.com"), "shop-tls", "shop.example.com").build(),
                tlsSecret("shop-tls"));
        assertEquals(Result.FAIL, f.result());
        assertEquals("HostsWithoutTls", f.reason());
        assertTrue(f.message().contains("admin.example.com (no tls entry lists it)"), f.message());
        assertFalse(f.message().contains("shop.example.com"), f.message());
    }

    @Test
    void missingSecretFails() {
        Finding f = only(tls(ingress("shop", "shop.example.com"), "shop-tls", "shop.example.com").build());
        assertEquals(Result.FAIL, f.result());
        assertEquals("TlsSecretMissing", f.reason());
        assertTrue(f.message().contains("no kubernetes.io/tls Secret shop-tls"), f.message());
    }

    @Test
    void secretInAnotherNamespaceDoesNotCount() {
        Secret elsewhere = new SecretBuilder(tlsSecret("shop-tls")).editMetadata().withNamespace("payments").endMetadata().build();
        assertEquals("TlsSecretMissing", only(tls(ingress("shop", "shop.example.com"), "shop-tls", "shop.example.com").build(), elsewhere).reason());
    }

    @Test
    void secretOfWrongTypeFails() {
        Finding f = only(tls(ingress("shop", "shop.example.com"), "shop-tls", "shop.example.com").build(), secret("shop-tls", "Opaque"));
        assertEquals(Result.FAIL, f.result());
        assertEquals("TlsSecretWrongType", f.reason());
        assertTrue(f.message().contains("Secret shop-tls has type Opaque"), f.message());
    }

    @Test
    void entryWithoutSecretNameDoesNotCover() {
        Finding f = only(tls(ingress("shop", "shop.example.com"), null, "shop.example.com").build());
        assertEquals("HostsWithoutTls", f.reason());
        assertTrue(f.message().contains("no secretName"), f.message());
    }

    @Test
    void wildcardTlsHostCoversExactlyOneLabel() {
        Ingress ing = tls(ingress("shop", "shop.example.com", "eu.shop.example.com", "example.com"), "wild-tls", "*.example.com").build();
        Finding f = only(ing, tlsSecret("wild-tls"));
        assertEquals(Result.FAIL, f.result());
        assertTrue(f.message().startsWith("hosts not covered by TLS: eu.shop.example.com (no tls entry lists it), "
                + "example.com (no tls entry lists it);"), f.message());
        assertTrue(IngressTLS.covers("*.example.com", "Shop.Example.com"));
        assertFalse(IngressTLS.covers("*.example.com", "a.b.example.com"));
        assertFalse(IngressTLS.covers("*.example.com", "example.com"));
    }

    @Test
    void ingressWithoutHostsIsNotApplicable() {
        Finding f = only(ingress("catch-all", (String) null).build());
        assertEquals(Result.NOT_APPLICABLE, f.result());
        assertEquals("NoHosts", f.reason());
    }

    @Test
    void hostlessRulesBesideHostsAreNotJudged() {
        Finding f = only(tls(ingress("shop", "shop.example.com", null), "shop-tls", "shop.example.com").build(), tlsSecret("shop-tls"));
        assertEquals(Result.PASS, f.result());
        assertTrue(f.message().contains("1 rule(s) without host not judged"), f.message());
    }

    @Test
    void noPlanWithoutIssuer() {
        Finding f = only(ingress("shop", "shop.example.com").build());
        assertEquals(Result.FAIL, f.result());
        assertNull(f.remediation());
        assertTrue(f.message().contains("certManagerClusterIssuer"), f.message());
    }

    @Test
    void planAddsOwnEntryAndIssuerAnnotation() {
        Ingress original = tls(ingress("shop", "shop.example.com", "admin.example.com"), "shop-cert", "shop.example.com").build();
        Finding f = only(spec("letsencrypt"), original, tlsSecret("shop-cert"));
        Ingress updated = updated(f);
        assertEquals(List.of(List.of("shop-cert", List.of("shop.example.com")), List.of("shop-tls", List.of("admin.example.com"))), tlsOf(updated));
        assertEquals("letsencrypt", updated.getMetadata().getAnnotations().get("cert-manager.io/cluster-issuer"));
        assertEquals(1, original.getSpec().getTls().size(), "the original is not modified");
        assertEquals(original, ((Remediation.Update) f.remediation()).original());
        assertEquals(original.getSpec().getRules(), updated.getSpec().getRules());
    }

    @Test
    void planExtendsTheIngressOwnEntry() {
        Ingress original = tls(ingress("shop", "shop.example.com", "new.example.com"), "shop-tls", "shop.example.com").build();
        Ingress updated = updated(only(spec("letsencrypt"), original, tlsSecret("shop-tls")));
        assertEquals(List.of(List.of("shop-tls", List.of("shop.example.com", "new.example.com"))), tlsOf(updated));
    }

    @Test
    void planLeavesEntryWithMissingSecretForCertManager() {
        Ingress original = tls(ingress("shop", "shop.example.com"), "shop-cert", "shop.example.com").build();
        Finding f = only(spec("letsencrypt"), original);
        assertEquals("TlsSecretMissing", f.reason());
        Ingress updated = updated(f);
        assertEquals(List.of(List.of("shop-cert", List.of("shop.example.com"))), tlsOf(updated));
        assertEquals("letsencrypt", updated.getMetadata().getAnnotations().get("cert-manager.io/cluster-issuer"));
    }

    @Test
    void planMovesHostsOutOfEntryWithWrongTypeSecret() {
        Ingress original = tls(ingress("shop", "shop.example.com"), "opaque", "shop.example.com").build();
        Ingress updated = updated(only(spec("letsencrypt"), original, secret("opaque", "Opaque")));
        assertEquals(List.of(List.of("shop-tls", List.of("shop.example.com"))), tlsOf(updated));
    }

    @Test
    void planKeepsAnIssuerTheIngressAlreadyNames() {
        Ingress original = new IngressBuilder(ingress("shop", "shop.example.com").build())
                .editMetadata().withAnnotations(Map.of("cert-manager.io/issuer", "team-ca")).endMetadata().build();
        Finding f = only(spec("letsencrypt"), original);
        Ingress updated = updated(f);
        assertEquals(Map.of("cert-manager.io/issuer", "team-ca"), updated.getMetadata().getAnnotations());
        assertTrue(f.remediation().summary().contains("keep the Ingress' own cert-manager issuer"), f.remediation().summary());
    }

    @Test
    void readsEverySecretSoThatLiveAndOfflineTellWrongTypeFromMissing() {
        // A field selector type=kubernetes.io/tls made an Opaque Secret look missing live but wrong-typed offline.
        assertTrue(control.reads().contains(Read.all(Secret.class)));
    }

    @Test
    void onceTheIngressAsksCertManagerAndOnlyTheSecretIsMissing_itAwaitsTheCertificateWithoutAPlan() {
        Ingress planned = updated(only(spec("letsencrypt"), ingress("shop", "shop.example.com").build()));
        // The state right after Evident's own edit: re-planning the same edit on every reconcile was the bug.
        Finding after = only(spec("letsencrypt"), planned);
        assertEquals(Result.FAIL, after.result());
        assertEquals("AwaitingCertificate", after.reason());
        assertNull(after.remediation());
        assertTrue(after.message().contains("waiting for cert-manager"), after.message());
        // cert-manager issues the Secret: compliant.
        assertEquals(Result.PASS, only(spec("letsencrypt"), planned, tlsSecret("shop-tls")).result());
    }

    @Test
    void aUsersOwnIssuerAnnotationAlsoMeansWaiting() {
        Ingress own = tls(ingress("shop", "shop.example.com"), "shop-cert", "shop.example.com")
                .editMetadata().withAnnotations(Map.of("cert-manager.io/issuer", "team-ca")).endMetadata().build();
        Finding f = only(spec(null), own);
        assertEquals("AwaitingCertificate", f.reason());
        assertNull(f.remediation());
    }
}
