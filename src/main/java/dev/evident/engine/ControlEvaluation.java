package dev.evident.engine;

import dev.evident.api.v1alpha1.Mode;
import java.util.List;

/** The findings of one control of a policy, with the mode and criteria in force for it. */
public record ControlEvaluation(String id, String type, Mode mode, List<String> criteria, List<Finding> findings) {

    public long count(Result result) {
        return findings.stream().filter(f -> f.result() == result).count();
    }
}
