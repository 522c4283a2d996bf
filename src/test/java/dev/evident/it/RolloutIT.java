package dev.evident.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.controls.network.NetworkDefaultDeny;
import dev.evident.engine.Fixtures;
import dev.evident.engine.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A new Enforce policy's rollout on the real API server: the packaged operator (deploy/'s ServiceAccount and heap)
 * with an Enforce policy (NetworkDefaultDeny, PodSecurityLevel) selecting label bench=rollout, idle; then N new
 * labelled namespaces, none compliant, created as fast as this JVM can; then idle again. Prints the time from the
 * first namespace created to the last one compliant against the floor the write budget sets (two writes per
 * namespace at evident.remediation.max-per-second), the write rate seen, and the requests per second the
 * operator sent (its own evident_api_requests_total) by verb while idle, during the rollout and after. A
 * measurement, not a gate: {@code ./mvnw -B verify -DskipITs=false -Dtest=NoSuchTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=RolloutIT -Devident.rollout.namespaces=500,5000}
 * ({@code -Devident.rollout.idle-seconds=60} sets the idle windows).
 */
class RolloutIT {
    private static final String POLICY = "rollout-bench";
    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{([^}]*)}\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    @Test
    void rolloutOfANewEnforcePolicyAgainstTheWriteBudget() throws Exception {
        String sizes = System.getProperty("evident.rollout.namespaces", "");
        Assumptions.assumeFalse(sizes.isBlank(), "set -Devident.rollout.namespaces=500,5000 to measure (not part of the CI run)");
        Duration idle = Duration.ofSeconds(Long.getLong("evident.rollout.idle-seconds", 60));
        for (int namespaces : Arrays.stream(sizes.split(",")).mapToInt(Integer::parseInt).toArray()) {
            measure(namespaces, idle);
        }
    }

    private void measure(int namespaces, Duration idle) throws Exception {
        double budget = writeBudget();
        Path dir = Path.of("target", "rollout-apiserver").toAbsolutePath();
        RealApiServer.deleteRecursively(dir);
        try (RealApiServer server = RealApiServer.start(dir); KubernetesClient admin = server.adminClient()) {
            for (HasMetadata crd : RealApiServer.evidentCrds(admin)) {
                admin.resource(crd).create();
            }
            Path kubeconfig = OperatorProcess.installAndLogIn(server, admin);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin.resources(ControlPolicy.class).list() != null);
            ControlPolicy policy = Fixtures.policy(POLICY, Mode.Enforce,
                    Fixtures.networkDefaultDeny("NET-001", true), Fixtures.podSecurityLevel("PSS-001", "restricted"));
            policy.getSpec().setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("bench", "rollout").build());
            admin.resource(policy).create();

            int port = OperatorProcess.freePort();
            Process operator = OperatorProcess.start(kubeconfig, port, Path.of("target", "rollout-operator-" + namespaces + ".log"));
            try {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
                    assertThat(http(port, "/q/health/ready")).contains("\"status\": \"UP\"");
                    assertThat(admin.resources(ControlPolicy.class).withName(POLICY).get().getStatus().getObservedGeneration()).isNotNull();
                });
                Thread.sleep(5_000); // let start-up requests (discovery, first lists) fall before the idle window
                Map<String, Double> before = requests(port);
                Thread.sleep(idle.toMillis());
                Map<String, Double> idleRequests = minus(requests(port), before);
                report(namespaces, "idle before, " + idle.toSeconds() + " s", idleRequests, idle.toMillis() / 1000.0);

                // The rollout: namespaces as the policy selects them, with neither the label nor the NetworkPolicy.
                Map<String, Double> startRequests = requests(port);
                double startWrites = remediations(port);
                long start = System.nanoTime();
                List<double[]> writeSamples = java.util.Collections.synchronizedList(new ArrayList<>()); // {seconds since start, writes so far}
                var sampler = Executors.newSingleThreadScheduledExecutor();
                sampler.scheduleAtFixedRate(() -> {
                    try {
                        writeSamples.add(new double[] {(System.nanoTime() - start) / 1e9, remediations(port) - startWrites});
                    } catch (IOException | InterruptedException e) {
                        // a missed sample only coarsens the peak rate
                    }
                }, 0, 1, java.util.concurrent.TimeUnit.SECONDS);
                ExecutorService pool = Executors.newFixedThreadPool(8);
                List<Future<?>> created = new ArrayList<>();
                for (int i = 0; i < namespaces; i++) {
                    Namespace ns = new NamespaceBuilder().withNewMetadata().withName("rollout-" + i).addToLabels("bench", "rollout").endMetadata().build();
                    created.add(pool.submit(() -> admin.namespaces().resource(ns).create()));
                }
                int done = 0;
                while (done < created.size()) {
                    if (created.get(done).isDone()) {
                        created.get(done).get();
                        done++;
                    } else {
                        Thread.sleep(100);
                    }
                }
                long lastCreated = System.nanoTime();
                pool.shutdown();
                System.out.printf("[RolloutIT] %,d namespaces created in %.1f s (%.0f/s)%n", namespaces, (lastCreated - start) / 1e9,
                        namespaces / ((lastCreated - start) / 1e9));

                // Compliant: both controls count every namespace compliant and the status lists no violation.
                long compliantAt = 0;
                long deadline = start + Duration.ofMinutes(Math.max(10, namespaces * 2 / (long) budget / 60 * 4)).toNanos();
                while (System.nanoTime() < deadline) {
                    ControlPolicy p = admin.resources(ControlPolicy.class).withName(POLICY).get();
                    if (p.getStatus() != null && p.getStatus().getViolations() != null && p.getStatus().getViolations().getTotal() == 0
                            && p.getStatus().getControls().stream().allMatch(c -> c.getCompliant() == namespaces)) {
                        compliantAt = System.nanoTime();
                        break;
                    }
                    Thread.sleep(1_000);
                }
                sampler.shutdownNow();
                assertThat(compliantAt).as("every namespace compliant before the deadline").isPositive();
                Map<String, Double> rolloutRequests = minus(requests(port), startRequests);
                double writes = remediations(port) - startWrites;
                double seconds = (compliantAt - start) / 1e9;

                // What the status says, checked on the objects themselves.
                Set<String> labelled = admin.namespaces().withLabel("bench", "rollout").list().getItems().stream()
                        .filter(n -> "restricted".equals(n.getMetadata().getLabels().get(Labels.PSS_ENFORCE)))
                        .map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
                Set<String> denied = admin.network().v1().networkPolicies().inAnyNamespace().list().getItems().stream()
                        .filter(np -> NetworkDefaultDeny.MANAGED_NAME.equals(np.getMetadata().getName()))
                        .map(np -> np.getMetadata().getNamespace()).filter(ns -> ns.startsWith("rollout-")).collect(Collectors.toSet());
                assertThat(labelled).hasSize(namespaces);
                assertThat(denied).hasSize(namespaces);
                assertThat(writes).as("one write per namespace and control").isEqualTo(2.0 * namespaces);

                double floor = 2.0 * namespaces / budget;
                double peak = 0;
                List<double[]> samples = new ArrayList<>(writeSamples);
                for (int i = 0; i < samples.size(); i++) {
                    for (int j = i + 1; j < samples.size(); j++) {
                        if (samples.get(j)[0] - samples.get(i)[0] >= 10) { // over 10 s windows
                            peak = Math.max(peak, (samples.get(j)[1] - samples.get(i)[1]) / (samples.get(j)[0] - samples.get(i)[0]));
                            break;
                        }
                    }
                }
                System.out.printf("[RolloutIT] %,d namespaces compliant %.1f s after the first was created; floor %.1f s (%,d writes at %.0f/s);"
                                + " ratio %.2f; remediation writes %.0f, %.1f/s on average, %.1f/s at most over 10 s%n",
                        namespaces, seconds, floor, 2 * namespaces, budget, seconds / floor, writes, writes / seconds, peak);
                report(namespaces, "rollout, " + Math.round(seconds) + " s", rolloutRequests, seconds);

                Map<String, Double> after = requests(port);
                Thread.sleep(idle.toMillis());
                report(namespaces, "idle after, " + idle.toSeconds() + " s", minus(requests(port), after), idle.toMillis() / 1000.0);
            } finally {
                RealApiServer.stopAll(operator);
            }
        }
    }

    /** Requests per second by verb, and the total, with the five resources most asked for. */
    private static void report(int namespaces, String window, Map<String, Double> requests, double seconds) {
        Map<String, Double> byVerb = new TreeMap<>();
        Map<String, Double> byVerbAndResource = new TreeMap<>();
        Map<String, Double> failed = new TreeMap<>();
        requests.forEach((key, n) -> {
            String[] vrc = key.split(" ");
            byVerb.merge(vrc[0], n, Double::sum);
            byVerbAndResource.merge(vrc[0] + " " + vrc[1], n, Double::sum);
            if (!vrc[2].startsWith("2") && !vrc[2].equals("101")) {
                failed.merge(key, n, Double::sum);
            }
        });
        double total = byVerb.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf("[RolloutIT] %,d namespaces, %s: %.0f requests, %.2f/s; by verb /s %s; top %s; not 2xx %s%n", namespaces, window, total,
                total / seconds, perSecond(byVerb, seconds), byVerbAndResource.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                        .limit(6).map(e -> e.getKey() + "=" + Math.round(e.getValue())).toList(), failed);
    }

    private static Map<String, String> perSecond(Map<String, Double> counts, double seconds) {
        Map<String, String> rates = new TreeMap<>();
        counts.forEach((k, v) -> rates.put(k, String.format("%.2f", v / seconds)));
        return rates;
    }

    private static Map<String, Double> minus(Map<String, Double> later, Map<String, Double> earlier) {
        Map<String, Double> delta = new TreeMap<>();
        later.forEach((k, v) -> {
            double d = v - earlier.getOrDefault(k, 0.0);
            if (d > 0) {
                delta.put(k, d);
            }
        });
        return delta;
    }

    /** evident_api_requests_total as "verb resource code" to its count. */
    private static Map<String, Double> requests(int port) throws IOException, InterruptedException {
        Map<String, Double> counts = new TreeMap<>();
        for (String line : http(port, "/q/metrics").split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals("evident_api_requests_total")) {
                Map<String, String> labels = labels(m.group(2));
                counts.put(labels.get("verb") + " " + labels.get("resource") + " " + labels.get("code"), Double.parseDouble(m.group(3)));
            }
        }
        return counts;
    }

    /** Successful remediation writes so far (evident_remediations_total, outcome success). */
    private static double remediations(int port) throws IOException, InterruptedException {
        double sum = 0;
        for (String line : http(port, "/q/metrics").split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals("evident_remediations_total") && "success".equals(labels(m.group(2)).get("outcome"))) {
                sum += Double.parseDouble(m.group(3));
            }
        }
        return sum;
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new TreeMap<>();
        Matcher m = LABEL.matcher(text);
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }

    /** The default write budget, as application.properties ships it. */
    private static double writeBudget() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src", "main", "resources", "application.properties"))) {
            p.load(in);
        }
        return Double.parseDouble(p.getProperty("evident.remediation.max-per-second"));
    }

    private static String http(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build()
                .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
    }
}
