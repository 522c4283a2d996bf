package dev.evident.engine;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicySpec;
import dev.evident.api.v1alpha1.ControlSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What the CRD schema cannot check (duplicate ids, types unknown to this build), plus everything the
 * schema does check, because offline audits read policies no API server has validated. Each problem
 * starts with the path of the field at fault.
 */
public final class PolicyValidator {
    private static final Pattern ID = Pattern.compile(ControlSpec.ID_PATTERN);
    private static final Pattern CRITERION = Pattern.compile(ControlSpec.CRITERION_PATTERN);

    /** Settings block per control type: only a control's own block may be set. */
    private static final Map<String, Function<ControlSpec, Object>> BLOCKS = new LinkedHashMap<>();

    static {
        BLOCKS.put("networkDefaultDeny", ControlSpec::getNetworkDefaultDeny);
        BLOCKS.put("podSecurityLevel", ControlSpec::getPodSecurityLevel);
        BLOCKS.put("rbacLeastPrivilege", ControlSpec::getRbacLeastPrivilege);
        BLOCKS.put("encryptedStorage", ControlSpec::getEncryptedStorage);
        BLOCKS.put("ingressTls", ControlSpec::getIngressTls);
        BLOCKS.put("secretsEncryptionAtRest", ControlSpec::getSecretsEncryptionAtRest);
    }

    private final ControlCatalog catalog;

    public PolicyValidator(ControlCatalog catalog) {
        this.catalog = catalog;
    }

    public List<String> validate(ControlPolicy policy) {
        List<String> problems = new ArrayList<>();
        if (policy.getMetadata() == null || policy.getMetadata().getName() == null) {
            problems.add("metadata.name: required");
        }
        ControlPolicySpec spec = policy.getSpec();
        if (spec == null) {
            problems.add("spec: required");
            return problems;
        }
        problems.addAll(LabelSelectors.validate(spec.getNamespaceSelector(), "spec.namespaceSelector"));
        if (spec.getControls() == null || spec.getControls().isEmpty()) {
            problems.add("spec.controls: at least one control is required");
            return problems;
        }
        Map<String, Integer> firstIndexOfId = new HashMap<>();
        for (int i = 0; i < spec.getControls().size(); i++) {
            ControlSpec control = spec.getControls().get(i);
            String at = "spec.controls[" + i + "]";
            if (control == null) {
                problems.add(at + ": must not be null");
                continue;
            }
            if (control.getId() == null) {
                problems.add(at + ".id: required");
            } else if (!ID.matcher(control.getId()).matches()) {
                problems.add(at + ".id: '" + control.getId() + "' must match " + ControlSpec.ID_PATTERN);
            } else {
                Integer first = firstIndexOfId.putIfAbsent(control.getId(), i);
                if (first != null) {
                    problems.add(at + ".id: duplicate id '" + control.getId() + "' (also spec.controls[" + first + "].id)");
                }
            }
            if (control.getCriteria() != null) {
                for (int c = 0; c < control.getCriteria().size(); c++) {
                    String criterion = control.getCriteria().get(c);
                    if (criterion == null || !CRITERION.matcher(criterion).matches()) {
                        problems.add(at + ".criteria[" + c + "]: '" + criterion + "' is not a Trust Services Criterion such as CC6.1");
                    }
                }
            }
            if (control.getType() == null) {
                problems.add(at + ".type: required");
                continue;
            }
            var known = catalog.find(control.getType());
            if (known.isEmpty()) {
                problems.add(at + ".type: unknown control type '" + control.getType() + "' (this build knows "
                        + String.join(", ", catalog.types()) + ")");
                continue;
            }
            String ownBlock = blockName(control.getType());
            BLOCKS.forEach((block, getter) -> {
                if (!block.equals(ownBlock) && getter.apply(control) != null) {
                    problems.add(at + "." + block + ": not allowed with type " + control.getType());
                }
            });
            known.get().validate(control).forEach(p -> problems.add(at + "." + p));
        }
        return problems;
    }

    /** The settings block of a type: the type's name with a lower-case first word (IngressTLS -> ingressTls). */
    static String blockName(String type) {
        if ("IngressTLS".equals(type)) {
            return "ingressTls";
        }
        return Character.toLowerCase(type.charAt(0)) + type.substring(1);
    }
}
