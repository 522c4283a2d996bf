package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicyStatus;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.api.v1alpha1.SecretsInConfigSpec;
import dev.evident.engine.Fixtures;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SecretsInConfig on the live path: the operator caches Deployments and ConfigMaps slimmed (no values), judges
 * them as the audit command does, sees a new credential from the watch, and never writes a value to status
 * or Events.
 */
@QuarkusTest
class SecretsInConfigOperatorTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String VALUE = "correct-horse-battery-staple";
    private static final String PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC\n-----END PRIVATE KEY-----";

    @Inject
    KubernetesClient client;

    @AfterEach
    void cleanUp() {
        client.resources(ControlPolicy.class).delete();
    }

    @Test
    void credentialsInEnvAndConfigMapsAreFoundWithoutTheirValues() {
        client.resource(new NamespaceBuilder().withNewMetadata().withName("cfg").addToLabels("test", "cfg").endMetadata().build()).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        client.resource(new DeploymentBuilder().withNewMetadata().withName("ledger").withNamespace("cfg").endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("ledger").withImage("example/ledger:1")
                .addNewEnv().withName("DB_PASSWORD").withValue(VALUE).endEnv().endContainer().endSpec().endTemplate().endSpec().build()).create();
        ControlSpec control = Fixtures.control("CFG-001", "SecretsInConfig");
        control.setSecretsInConfig(new SecretsInConfigSpec());
        ControlPolicy policy = Fixtures.policy("cfg", Mode.Audit, control);
        policy.getSpec().setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("test", "cfg").build());
        client.resource(policy).create();

        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(status("cfg").getViolations().getItems())
                .singleElement().satisfies(v -> {
                    assertThat(v.getKind()).isEqualTo("Deployment");
                    assertThat(v.getMessage()).contains("container ledger env DB_PASSWORD");
                }));

        client.resource(new ConfigMapBuilder().withNewMetadata().withName("signing").withNamespace("cfg").endMetadata()
                .addToData("key.pem", PEM).build()).create();
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(status("cfg").getViolations().getItems())
                .anySatisfy(v -> assertThat(v.getMessage()).contains("data key key.pem (a private key PEM block)")));

        String evidence = Serialization.asJson(status("cfg")) + Serialization.asJson(client.v1().events().inAnyNamespace().list());
        assertThat(evidence).doesNotContain(VALUE).doesNotContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC");
    }

    private ControlPolicyStatus status(String policy) {
        ControlPolicy p = client.resources(ControlPolicy.class).withName(policy).get();
        return p == null ? null : p.getStatus();
    }
}
