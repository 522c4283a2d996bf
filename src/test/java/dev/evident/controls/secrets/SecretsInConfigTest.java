package dev.evident.controls.secrets;

import static dev.evident.engine.Fixtures.namespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.SecretsInConfigSpec;
import dev.evident.engine.Finding;
import dev.evident.engine.Fixtures;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import dev.evident.engine.Result;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SecretsInConfigTest {
    private static final String PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAwJ3example\n-----END RSA PRIVATE KEY-----\n";
    private static final String AWS = "AKIAIOSFODNN7EXAMPLE";
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    private static final String HUNTER2 = "hunter2-Sup3rS3cret";

    private final SecretsInConfig control = new SecretsInConfig();

    private static ControlSpec spec(Consumer<SecretsInConfigSpec> settings) {
        return Fixtures.configured(SecretsInConfig.TYPE, c -> {
            SecretsInConfigSpec s = new SecretsInConfigSpec();
            settings.accept(s);
            c.setSecretsInConfig(s);
        });
    }

    private static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static Deployment deployment(String namespace, String name, EnvVar... env) {
        return new DeploymentBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"env\":\"" + HUNTER2 + "\"}").endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec()
                .addNewInitContainer().withName("init").withImage("busybox").endInitContainer()
                .addNewContainer().withName("app").withImage("example/app:1").withEnv(env).endContainer()
                .endSpec().endTemplate().endSpec().build();
    }

    private static ConfigMap configMap(String namespace, String name, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata().withData(data).build();
    }

    private List<Finding> evaluate(ControlSpec spec, HasMetadata... objects) {
        List<HasMetadata> all = new ArrayList<>(List.of(namespace("payments"), namespace("kube-system")));
        all.addAll(List.of(objects));
        List<Finding> findings = control.evaluate(Fixtures.context(control, spec, all.toArray(HasMetadata[]::new)));
        for (Finding f : findings) {
            assertNull(f.remediation(), "report only");
            for (String secret : List.of(PEM.substring(0, 40), "MIIEowIBAAKCAQEAwJ3example", AWS, JWT, HUNTER2, "s3cr3t-pass")) {
                assertTrue(!f.message().contains(secret), "value leaked into " + f.message());
            }
        }
        return findings;
    }

    private Finding only(ControlSpec spec, HasMetadata object) {
        List<Finding> findings = evaluate(spec, object);
        assertEquals(1, findings.size(), findings::toString);
        return findings.get(0);
    }

    private static ControlSpec defaults() {
        return spec(s -> { });
    }

    @Test
    void credentialLikeKeyNameWithALiteralValueFails() {
        Finding f = only(defaults(), deployment("payments", "api", env("LOG_LEVEL", "debug"), env("DB_PASSWORD", HUNTER2)));
        assertEquals(Result.FAIL, f.result());
        assertEquals("CredentialsInConfig", f.reason());
        assertEquals(new ObjectRef("Deployment", "payments", "api"), f.object());
        assertTrue(f.message().contains("container app env DB_PASSWORD (a literal value under a credential-like name)"), f.message());
        assertTrue(!f.message().contains("LOG_LEVEL"), f.message());
    }

    @Test
    void credentialLikeKeyWithoutALiteralPasses() {
        EnvVar fromSecret = new EnvVarBuilder().withName("DB_PASSWORD").withNewValueFrom().withNewSecretKeyRef("password", "db", false)
                .endValueFrom().build();
        Finding f = only(defaults(), deployment("payments", "api", fromSecret, env("API_TOKEN_FILE", "/var/run/secrets/token"),
                env("SECRET_REF", "$(OTHER_VAR)"), env("GITHUB_TOKEN", "")));
        assertEquals(Result.PASS, f.result(), f::message);
        assertEquals("NoCredentialsInConfig", f.reason());
    }

    @Test
    void credentialFormatsFailWhateverTheKey() {
        for (String value : List.of(PEM, AWS, JWT, "postgres://app:s3cr3t-pass@db:5432/app", "ghp_" + "a".repeat(36), "xoxb-1234567890-abcdef")) {
            Finding f = only(defaults(), configMap("payments", "settings", Map.of("harmless", value)));
            assertEquals(Result.FAIL, f.result(), value);
            assertTrue(f.message().startsWith("credentials in plain configuration (values masked): data key harmless ("), f.message());
        }
    }

    @Test
    void certificatesAndOrdinaryValuesPass() {
        Finding f = only(defaults(), configMap("payments", "kube-root-ca.crt",
                Map.of("ca.crt", "-----BEGIN CERTIFICATE-----\nMIIC5zCCAc+gAwIBAgIBADANBg\n-----END CERTIFICATE-----\n",
                        "url", "https://example.com/api", "token_audience", "")));
        assertEquals(Result.PASS, f.result(), f::message);
    }

    @Test
    void allowedKeysAreNeverJudged() {
        ControlSpec spec = spec(s -> s.getAllowedKeys().add("TOKEN_*"));
        Finding f = only(spec, deployment("payments", "api", env("TOKEN_AUDIENCE", "payments"), env("token_issuer", JWT)));
        assertEquals(Result.PASS, f.result(), f::message);
        assertEquals(Result.FAIL, only(defaults(), deployment("payments", "api", env("TOKEN_AUDIENCE", "payments"))).result());
    }

    @Test
    void keyNamesAreConfigurable() {
        ControlSpec spec = spec(s -> s.setKeyNames(new ArrayList<>(List.of("*dsn*"))));
        assertEquals(Result.FAIL, only(spec, deployment("payments", "api", env("SENTRY_DSN", "abc"))).result());
        assertEquals(Result.PASS, only(spec, deployment("payments", "api", env("DB_PASSWORD", HUNTER2))).result());
    }

    @Test
    void onlySelectedNamespacesAndJobsIncludingThoseOfCronJobs() {
        var job = new JobBuilder().withNewMetadata().withNamespace("payments").withName("report-1")
                .addNewOwnerReference().withKind("CronJob").withName("report").withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("report").withEnv(env("SMTP_PASSWORD", HUNTER2))
                .endContainer().endSpec().endTemplate().endSpec().build();
        List<Finding> findings = evaluate(defaults(), job, deployment("kube-system", "ignored", env("PASSWORD", HUNTER2)));
        assertEquals(List.of(new ObjectRef("Job", "payments", "report-1")), findings.stream().map(Finding::object).toList());
        assertEquals(Result.FAIL, findings.get(0).result());
    }

    // --- live: the operator caches slimmed objects, judged exactly as the originals ------------------------

    @Test
    void slimmedObjectsKeepNoValueAndGiveTheSameFindings() {
        List<HasMetadata> originals = List.of(
                deployment("payments", "api", env("DB_PASSWORD", HUNTER2), env("LOG_LEVEL", "debug"), env("SIGNING_KEY", PEM)),
                configMap("payments", "settings", Map.of("aws", AWS, "jwt", JWT, "plain", "x", "api_token", HUNTER2)),
                configMap("payments", "empty", null));
        for (HasMetadata original : originals) {
            HasMetadata copy = Serialization.clone(original);
            HasMetadata slim = SecretsInConfig.slim(copy);
            String yaml = Serialization.asYaml(slim);
            for (String secret : List.of(HUNTER2, "MIIEowIBAAKCAQEAwJ3example", AWS, JWT, "debug")) {
                assertTrue(!yaml.contains(secret), "slimmed object keeps a value: " + yaml);
            }
            assertTrue(!yaml.contains("last-applied"), yaml);
            assertEquals(strip(evaluate(defaults(), original)), strip(evaluate(defaults(), slim)), yaml);
        }
    }

    private static List<String> strip(List<Finding> findings) {
        return findings.stream().map(f -> f.result() + " " + f.reason() + " " + f.message()).toList();
    }

    @Test
    void readsEveryKindSlimmed() {
        List<Read> reads = control.reads();
        assertEquals(5, reads.size());
        reads.forEach(r -> assertTrue(r.slim() != null && r.namespace() == null, r::toString));
        assertEquals(reads.get(0).slim(), reads.get(1).slim(), "one slimming function, so reads of one kind union without widening");
    }
}
