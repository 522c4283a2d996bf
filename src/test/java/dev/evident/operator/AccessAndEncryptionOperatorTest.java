package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.IngressTlsSpec;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.api.v1alpha1.RbacLeastPrivilegeSpec;
import dev.evident.api.v1alpha1.SubjectRef;
import dev.evident.api.v1alpha1.Violation;
import dev.evident.engine.Fixtures;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The RBAC and TLS controls on the live path: drift seen from informer events, RemoveSubjects applied safely. */
@QuarkusTest
class AccessAndEncryptionOperatorTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    KubernetesClient client;

    @BeforeAll
    static void awaitSettings() {
        org.awaitility.Awaitility.setDefaultPollInterval(Duration.ofMillis(50));
        org.awaitility.Awaitility.ignoreExceptionsByDefault();
    }

    @AfterEach
    void cleanUp() {
        client.resources(ControlPolicy.class).delete();
        client.rbac().clusterRoleBindings().withLabel("test", "rbac").delete();
    }

    @Test
    void newClusterAdminBindingIsDetected() {
        client.resource(rbacPolicy("rbac-audit", Mode.Audit, RbacLeastPrivilegeSpec.Remediation.Report)).create();
        await().atMost(WAIT).until(() -> status("rbac-audit") != null && status("rbac-audit").getViolations() != null);

        client.resource(binding("mallory-admin", false, user("mallory"))).create();
        await().atMost(WAIT).untilAsserted(() -> assertThat(status("rbac-audit").getViolations().getItems())
                .filteredOn(v -> "mallory-admin".equals(v.getName())).singleElement().satisfies(v -> {
                    assertThat(v.getKind()).isEqualTo("ClusterRoleBinding");
                    assertThat(v.getNamespace()).isNull();
                    assertThat(v.getMessage()).contains("mallory");
                }));
        // Non-compliant on arrival: a new violation, not drift.
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("rbac-audit")).extracting(Event::getReason).contains("NewViolation"));
        assertThat(events("rbac-audit")).extracting(Event::getReason).doesNotContain("DriftDetected");
        // Audit: the binding is untouched.
        assertThat(client.rbac().clusterRoleBindings().withName("mallory-admin").get().getSubjects()).hasSize(1);
    }

    @Test
    void removeSubjectsRecordsTheOriginalAndRemovesOnlyOffendingSubjects() {
        client.resource(binding("mixed-admin", false, user("mallory"), group("system:masters"))).create();
        client.resource(binding("only-mallory", false, user("mallory"))).create();
        client.resource(binding("bootstrap-admin", true, user("mallory"))).create();
        client.resource(rbacPolicy("rbac-enforce", Mode.Enforce, RbacLeastPrivilegeSpec.Remediation.RemoveSubjects)).create();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(client.rbac().clusterRoleBindings().withName("mixed-admin").get().getSubjects())
                    .extracting(Subject::getName).containsExactly("system:masters");
            assertThat(client.rbac().clusterRoleBindings().withName("only-mallory").get()).isNull();
        });
        assertThat(client.rbac().clusterRoleBindings().withName("bootstrap-admin").get().getSubjects())
                .as("bootstrapping bindings are never remediated").extracting(Subject::getName).containsExactly("mallory");
        List<Event> events = events("rbac-enforce");
        assertThat(events).filteredOn(e -> "OriginalRecorded".equals(e.getReason()))
                .anySatisfy(e -> assertThat(e.getMessage()).contains("\"name\":\"mixed-admin\"").contains("mallory").contains("system:masters"))
                .anySatisfy(e -> assertThat(e.getMessage()).contains("\"name\":\"only-mallory\""));
        assertThat(events).extracting(Event::getReason).contains("Remediated").doesNotContain("RemediationFailed");
        await().atMost(WAIT).untilAsserted(() -> assertThat(status("rbac-enforce").getViolations().getItems())
                .extracting(Violation::getName).containsExactly("bootstrap-admin"));
    }

    @Test
    void ingressLosingTlsIsDetected() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("tls-a").addToLabels("test", "tls").endMetadata().build()).create();
        client.secrets().inNamespace("tls-a").resource(new SecretBuilder().withNewMetadata().withName("shop-tls").endMetadata()
                .withType("kubernetes.io/tls").addToData(Map.of("tls.crt", "Y2VydA==", "tls.key", "a2V5")).build()).create();
        client.network().v1().ingresses().inNamespace("tls-a").resource(new IngressBuilder()
                .withNewMetadata().withName("shop").endMetadata()
                .withNewSpec()
                .addNewTl().withHosts("shop.example.com").withSecretName("shop-tls").endTl()
                .addNewRule().withHost("shop.example.com").endRule()
                .endSpec().build()).create();
        ControlSpec tls = Fixtures.control("TLS-001", "IngressTLS");
        tls.setIngressTls(new IngressTlsSpec());
        ControlPolicy policy = Fixtures.policy("tls", Mode.Audit, tls);
        policy.getSpec().setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("test", "tls").build());
        client.resource(policy).create();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(status("tls").getControls()).singleElement().satisfies(c -> assertThat(c.getCompliant()).isEqualTo(1));
            assertThat(status("tls").getViolations().getTotal()).isZero();
        });

        client.network().v1().ingresses().inNamespace("tls-a").withName("shop")
                .edit(i -> new IngressBuilder(i).editSpec().withTls(List.of()).endSpec().build());
        await().atMost(WAIT).untilAsserted(() -> assertThat(status("tls").getViolations().getItems()).singleElement().satisfies(v -> {
            assertThat(v.getName()).isEqualTo("shop");
            assertThat(v.getMessage()).contains("shop.example.com");
        }));
        Ingress unchanged = client.network().v1().ingresses().inNamespace("tls-a").withName("shop").get();
        assertThat(unchanged.getSpec().getTls()).as("Audit mode and no issuer: never rewritten").isNullOrEmpty();
    }

    @Test
    void enforcedTlsIsWrittenOnceWhileCertManagerWorks_andDeletionNamesTheRewrittenIngress() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("tls-e").addToLabels("test", "tls-e").endMetadata().build()).create();
        client.network().v1().ingresses().inNamespace("tls-e").resource(new IngressBuilder()
                .withNewMetadata().withName("shop").endMetadata()
                .withNewSpec().addNewRule().withHost("shop.example.com").endRule().endSpec().build()).create();
        ControlSpec tls = Fixtures.control("TLS-001", "IngressTLS");
        IngressTlsSpec settings = new IngressTlsSpec();
        settings.setCertManagerClusterIssuer("letsencrypt");
        tls.setIngressTls(settings);
        ControlPolicy policy = Fixtures.policy("tls-enforce", Mode.Enforce, tls);
        policy.getSpec().setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("test", "tls-e").build());
        client.resource(policy).create();

        await().atMost(WAIT).untilAsserted(() -> assertThat(status("tls-enforce").getViolations().getItems()).singleElement()
                .satisfies(v -> assertThat(v.getReason()).isEqualTo("AwaitingCertificate")));
        Ingress written = client.network().v1().ingresses().inNamespace("tls-e").withName("shop").get();
        assertThat(written.getMetadata().getAnnotations()).containsEntry("cert-manager.io/cluster-issuer", "letsencrypt")
                .containsEntry(dev.evident.engine.Labels.REWRITTEN_BY, "tls-enforce");
        // cert-manager has not issued the Secret yet; reconciles keep coming (touch the Ingress) but nothing is rewritten.
        for (int i = 0; i < 3; i++) {
            String touch = String.valueOf(i);
            client.network().v1().ingresses().inNamespace("tls-e").withName("shop")
                    .edit(in -> new IngressBuilder(in).editMetadata().addToLabels("touch", touch).endMetadata().build());
            Thread.sleep(300);
        }
        assertThat(events("tls-enforce")).filteredOn(e -> "Remediated".equals(e.getReason())).singleElement()
                .satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
        assertThat(events("tls-enforce")).filteredOn(e -> "OriginalRecorded".equals(e.getReason())).hasSize(1);
        assertThat(status("tls-enforce").getControls()).singleElement().satisfies(c -> assertThat(c.getRemediated()).isEqualTo(1L));

        client.resources(ControlPolicy.class).withName("tls-enforce").delete();
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("tls-enforce")).filteredOn(e -> "PolicyDeleted".equals(e.getReason()))
                .singleElement().satisfies(e -> assertThat(e.getMessage()).contains("keep its changes").contains("Ingress tls-e/shop")));
    }

    // --- helpers ---

    private ControlPolicy rbacPolicy(String name, Mode mode, RbacLeastPrivilegeSpec.Remediation remediation) {
        ControlSpec rbac = Fixtures.control("RBAC-001", "RbacLeastPrivilege");
        RbacLeastPrivilegeSpec spec = new RbacLeastPrivilegeSpec();
        spec.setAllowedSubjects(List.of(new SubjectRef("Group", null, "system:masters")));
        spec.setRemediation(remediation);
        rbac.setRbacLeastPrivilege(spec);
        ControlPolicy policy = Fixtures.policy(name, mode, rbac);
        // Only ClusterRoleBindings matter here; select no namespace so RoleBindings elsewhere stay out.
        policy.getSpec().setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("test", "none").build());
        return policy;
    }

    private static ClusterRoleBinding binding(String name, boolean bootstrapping, Subject... subjects) {
        var meta = new ClusterRoleBindingBuilder().withNewMetadata().withName(name).addToLabels("test", "rbac");
        if (bootstrapping) {
            meta.addToLabels("kubernetes.io/bootstrapping", "rbac-defaults");
        }
        return meta.endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("cluster-admin").endRoleRef()
                .withSubjects(subjects).build();
    }

    private static Subject user(String name) {
        return new SubjectBuilder().withKind("User").withApiGroup("rbac.authorization.k8s.io").withName(name).build();
    }

    private static Subject group(String name) {
        return new SubjectBuilder().withKind("Group").withApiGroup("rbac.authorization.k8s.io").withName(name).build();
    }

    private dev.evident.api.v1alpha1.ControlPolicyStatus status(String policy) {
        ControlPolicy p = client.resources(ControlPolicy.class).withName(policy).get();
        return p == null ? null : p.getStatus();
    }

    private List<Event> events(String policy) {
        return client.v1().events().inNamespace(EventRecorder.EVENT_NAMESPACE).list().getItems().stream()
                .filter(e -> policy.equals(e.getInvolvedObject().getName())).toList();
    }
}
