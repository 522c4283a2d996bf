package dev.evident.helm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The alert rules of a rendered chart's PrometheusRule. */
public final class Alerts {
    private static final com.fasterxml.jackson.dataformat.yaml.YAMLMapper RULES_YAML = com.fasterxml.jackson.dataformat.yaml.YAMLMapper.builder()
            .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.SPLIT_LINES).build();

    private Alerts() {
    }

    public static List<JsonNode> rules(HelmChart.Rendered rendered) {
        List<JsonNode> rules = new ArrayList<>();
        rendered.one("PrometheusRule").at("/spec/groups").forEach(g -> g.path("rules").forEach(rules::add));
        return rules;
    }

    /** The rule groups as a Prometheus rules file (what `promtool` and a plain Prometheus read). */
    public static String rulesFile(HelmChart.Rendered rendered) {
        try {
            return RULES_YAML.writeValueAsString(rendered.one("PrometheusRule").path("spec"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
