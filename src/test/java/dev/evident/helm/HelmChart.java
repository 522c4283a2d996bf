package dev.evident.helm;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The chart helm/evident rendered, linted and parsed with helm-java (the Helm library, no helm binary). */
public final class HelmChart {
    public static final Path DIR = Path.of("helm", "evident");
    public static final String RELEASE = "evident";
    public static final String NAMESPACE = "evident-system";
    static final YAMLMapper YAML = new YAMLMapper();

    private HelmChart() {
    }

    /** Renders with the chart's defaults overridden by {@code --set} style values, as for Kubernetes 1.25. */
    public static Rendered render(Map<String, Object> sets) {
        return render("1.25.0", null, sets);
    }

    public static Rendered render(String kubeVersion, Path valuesFile, Map<String, Object> sets) {
        TemplateCommand template = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(kubeVersion);
        if (valuesFile != null) {
            template = template.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, Object> e : sets.entrySet()) {
            template = template.set(e.getKey(), e.getValue());
        }
        return new Rendered(parse(template.call()));
    }

    /** NOTES.txt as `helm install` prints it (a client-only dry run). */
    public static String notes(Map<String, Object> sets) {
        var install = new Helm(DIR).install().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion("1.25.0").clientOnly().dryRun();
        for (Map.Entry<String, Object> e : sets.entrySet()) {
            install = install.set(e.getKey(), e.getValue());
        }
        return install.call().getOutput();
    }

    /**
     * {@code helm lint --strict} of the chart with its values.yaml replaced by the defaults merged with
     * {@code overrides} (helm lint takes no values of its own, so the chart is copied).
     */
    public static LintResult lintStrict(Map<String, Object> overrides, Path workDir) throws IOException {
        Path copy = workDir.resolve("evident");
        copyTree(DIR, copy);
        ObjectNode values = (ObjectNode) YAML.readTree(DIR.resolve("values.yaml").toFile());
        merge(values, YAML.valueToTree(overrides));
        YAML.writeValue(copy.resolve("values.yaml").toFile(), values);
        return new Helm(copy).lint().strict().call();
    }

    static List<JsonNode> parse(String manifests) {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(manifests)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(d -> {
                if (d != null && !d.isNull() && !d.isMissingNode() && d.size() > 0) {
                    docs.add(d);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static Map<String, Object> yamlMap(Path file) throws IOException {
        return YAML.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    private static void merge(ObjectNode into, JsonNode from) {
        from.fields().forEachRemaining(e -> {
            JsonNode existing = into.get(e.getKey());
            if (existing instanceof ObjectNode target && e.getValue().isObject()) {
                merge(target, e.getValue());
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            try (Stream<Path> walk = Files.walk(to)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** The rendered objects. */
    public record Rendered(List<JsonNode> objects) {
        public List<JsonNode> ofKind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
        }

        public JsonNode one(String kind) {
            List<JsonNode> all = ofKind(kind);
            if (all.size() != 1) {
                throw new AssertionError("expected one " + kind + ", rendered " + all.size());
            }
            return all.get(0);
        }

        public JsonNode named(String kind, String name) {
            return ofKind(kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asText())).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
        }

        /** The Deployment's operator container. */
        public JsonNode container() {
            return one("Deployment").at("/spec/template/spec/containers/0");
        }

        public Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            container().path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText(null)));
            return env;
        }
    }
}
