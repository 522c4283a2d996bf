package dev.evident.controls.encryption;

import static dev.evident.engine.Fixtures.namespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.IngressTlsSpec;
import dev.evident.engine.Finding;
import dev.evident.engine.Fixtures;
import dev.evident.engine.Result;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IngressTLS fails an Ingress the controller is told to serve over plain HTTP too (issue 12 item 5). */
class IngressPlainHttpTest {
    private final IngressTLS control = new IngressTLS();

    private static Ingress ingress(Map<String, String> annotations) {
        return new IngressBuilder().withNewMetadata().withNamespace("web").withName("shop").withAnnotations(annotations).endMetadata()
                .withNewSpec().addNewRule().withHost("shop.example.com").endRule()
                .addNewTl().withSecretName("shop-tls").withHosts("shop.example.com").endTl().endSpec().build();
    }

    private Finding evaluate(Ingress ingress) {
        ControlSpec spec = Fixtures.configured(IngressTLS.TYPE, c -> c.setIngressTls(new IngressTlsSpec()));
        HasMetadata secret = new SecretBuilder().withNewMetadata().withNamespace("web").withName("shop-tls").endMetadata()
                .withType("kubernetes.io/tls").build();
        List<Finding> findings = control.evaluate(Fixtures.context(control, spec, namespace("web"), secret, ingress));
        assertEquals(1, findings.size());
        return findings.get(0);
    }

    @Test
    void allowHttpTrueFails() {
        Finding f = evaluate(ingress(Map.of("kubernetes.io/ingress.allow-http", "true")));
        assertEquals(Result.FAIL, f.result());
        assertEquals("PlainHttpAllowed", f.reason());
        assertTrue(f.message().contains("kubernetes.io/ingress.allow-http: \"true\""), f.message());
        assertNull(f.remediation());
    }

    @Test
    void nginxSslRedirectFalseFails() {
        Finding f = evaluate(ingress(Map.of("nginx.ingress.kubernetes.io/ssl-redirect", "false")));
        assertEquals("PlainHttpAllowed", f.reason());
    }

    @Test
    void httpsOnlyOrControllerDefaultPasses() {
        for (Map<String, String> annotations : List.of(Map.<String, String>of(), Map.of("kubernetes.io/ingress.allow-http", "false"),
                Map.of("nginx.ingress.kubernetes.io/ssl-redirect", "true"))) {
            Finding f = evaluate(ingress(annotations));
            assertEquals(Result.PASS, f.result(), annotations::toString);
            assertEquals("AllHostsCovered", f.reason());
        }
    }
}
