package dev.evident.operator;

import dev.evident.controls.StandardControls;
import dev.evident.engine.Engine;
import dev.evident.metrics.ApiRequestMetrics;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Wiring of the pure engine and the clock into the operator. */
public class OperatorBeans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * The operator's client (the one JOSDK's informers and every reconciler use): Quarkus' own, built from the same
     * Config and serialization, plus the interceptor that counts requests. Quarkus 3.34 has no client-builder
     * customizer, and its producer is a default bean, so this one takes its place.
     */
    @Produces
    @Singleton
    KubernetesClient kubernetesClient(Config config, KubernetesSerialization serialization, MeterRegistry registry) {
        ApiRequestMetrics requests = new ApiRequestMetrics(registry);
        return new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(serialization)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(ApiRequestMetrics.INTERCEPTOR, requests))
                .build();
    }

    void closeKubernetesClient(@Disposes KubernetesClient client) {
        client.close();
    }

    @Produces
    @Singleton
    OperatorNamespace operatorNamespace(KubernetesClient client,
            @ConfigProperty(name = "evident.operator-namespace") Optional<String> configured) {
        return new OperatorNamespace(configured.orElseGet(client::getNamespace));
    }

    /** The engine, told which namespace the operator runs in so that no control locks the operator out. */
    @Produces
    @Singleton
    Engine engine(OperatorNamespace operatorNamespace, @ConfigProperty(name = "evident.exceptions.max-duration") Duration maxExceptionDuration) {
        return new Engine(StandardControls.catalog(), operatorNamespace.name(), maxExceptionDuration);
    }
}
