package dev.evident.operator;

import dev.evident.controls.StandardControls;
import dev.evident.engine.Engine;
import io.fabric8.kubernetes.client.KubernetesClient;
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
