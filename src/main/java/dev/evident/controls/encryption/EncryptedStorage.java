package dev.evident.controls.encryption;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.EncryptedStorageSpec;
import dev.evident.engine.Control;
import dev.evident.engine.ControlContext;
import dev.evident.engine.Finding;
import dev.evident.engine.Labels;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every PersistentVolumeClaim in a selected namespace uses an encrypting StorageClass: one listed in
 * allowedStorageClasses, or one whose provisioner has an entry in requiredParameters and whose parameters
 * hold every listed key with exactly that value (an empty entry accepts the provisioner as it is).
 *
 * <p>A claim without storageClassName uses the default class as Kubernetes picks it: annotated
 * {@value Labels#DEFAULT_STORAGE_CLASS} (or the beta key) "true", the newest when several are, then the
 * first by name. {@code storageClassName: ""} asks for no class (a pre-provisioned volume) and fails: its
 * encryption cannot be shown from a class. Never remediated: data cannot be re-encrypted in place.
 */
public final class EncryptedStorage implements Control {
    public static final String TYPE = "EncryptedStorage";
    private static final String NO_REMEDIATION = "; not remediated: data cannot be re-encrypted in place, "
            + "move it to a volume of a compliant StorageClass";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> defaultCriteria() {
        return List.of("CC6.1", "C1.1");
    }

    @Override
    public List<Read> reads() {
        return List.of(Read.all(StorageClass.class), Read.all(PersistentVolumeClaim.class));
    }

    @Override
    public List<String> validate(ControlSpec spec) {
        EncryptedStorageSpec settings = spec.getEncryptedStorage();
        List<String> problems = new ArrayList<>();
        if (settings == null || settings.getRequiredParameters() == null) {
            return problems;
        }
        settings.getRequiredParameters().forEach((provisioner, parameters) -> {
            if (parameters == null) {
                problems.add("encryptedStorage.requiredParameters." + provisioner + ": must be a map of parameters (use {} to accept the provisioner as it is)");
            } else {
                parameters.forEach((key, value) -> {
                    if (value == null) {
                        problems.add("encryptedStorage.requiredParameters." + provisioner + "." + key + ": value required");
                    }
                });
            }
        });
        return problems;
    }

    @Override
    public List<Finding> evaluate(ControlContext ctx) {
        EncryptedStorageSpec settings = Optional.ofNullable(ctx.spec().getEncryptedStorage()).orElseGet(EncryptedStorageSpec::new);
        List<StorageClass> classes = ctx.snapshot().list(StorageClass.class);
        Optional<StorageClass> defaultClass = defaultClass(classes);
        List<Finding> findings = new ArrayList<>();
        for (Namespace ns : ctx.namespaces()) {
            for (PersistentVolumeClaim pvc : ctx.snapshot().list(PersistentVolumeClaim.class, ns.getMetadata().getName())) {
                findings.add(evaluate(ctx, settings, classes, defaultClass, pvc));
            }
        }
        return findings;
    }

    private Finding evaluate(ControlContext ctx, EncryptedStorageSpec settings, List<StorageClass> classes,
                             Optional<StorageClass> defaultClass, PersistentVolumeClaim pvc) {
        ObjectRef ref = ObjectRef.of(pvc);
        String requested = pvc.getSpec() == null ? null : pvc.getSpec().getStorageClassName();
        StorageClass sc;
        String via;
        if (requested == null) {
            if (defaultClass.isEmpty()) {
                return ctx.fail(ref, "NoDefaultStorageClass", "no storageClassName and no default StorageClass" + NO_REMEDIATION, null);
            }
            sc = defaultClass.get();
            via = "default StorageClass " + sc.getMetadata().getName();
        } else if (requested.isEmpty()) {
            return ctx.fail(ref, "NoStorageClass", "storageClassName is \"\" (statically bound volume): its encryption cannot be shown by a StorageClass"
                    + NO_REMEDIATION, null);
        } else {
            Optional<StorageClass> named = classes.stream().filter(c -> requested.equals(c.getMetadata().getName())).findFirst();
            if (named.isEmpty()) {
                return ctx.fail(ref, "StorageClassNotFound", "StorageClass " + requested + " does not exist" + NO_REMEDIATION, null);
            }
            sc = named.get();
            via = "StorageClass " + requested;
        }
        String name = sc.getMetadata().getName();
        if (settings.getAllowedStorageClasses() != null && settings.getAllowedStorageClasses().contains(name)) {
            return ctx.pass(ref, "StorageClassAllowed", via + " is in allowedStorageClasses");
        }
        Map<String, String> required = settings.getRequiredParameters() == null ? null : settings.getRequiredParameters().get(sc.getProvisioner());
        if (required == null) {
            return ctx.fail(ref, "ProvisionerNotCovered", via + " uses provisioner " + sc.getProvisioner()
                    + ", which requiredParameters does not list, and the class is not in allowedStorageClasses" + NO_REMEDIATION, null);
        }
        Map<String, String> actual = sc.getParameters() == null ? Map.of() : sc.getParameters();
        List<String> wrong = new ArrayList<>();
        required.forEach((key, value) -> {
            if (!actual.containsKey(key)) {
                wrong.add(key + " missing (want \"" + value + "\")");
            } else if (!actual.get(key).equals(value)) {
                wrong.add(key + "=\"" + actual.get(key) + "\" (want \"" + value + "\")");
            }
        });
        if (!wrong.isEmpty()) {
            return ctx.fail(ref, "RequiredParametersNotMet", via + " (" + sc.getProvisioner() + "): " + String.join(", ", wrong) + NO_REMEDIATION, null);
        }
        return ctx.pass(ref, "RequiredParametersMet", via + " (" + sc.getProvisioner() + ") has " + required);
    }

    /** Kubernetes' choice among classes marked default: newest creationTimestamp first, then name. */
    static Optional<StorageClass> defaultClass(List<StorageClass> classes) {
        return classes.stream()
                .filter(EncryptedStorage::isDefault)
                .min(Comparator.comparing((StorageClass c) -> created(c), Comparator.reverseOrder())
                        .thenComparing(c -> c.getMetadata().getName()));
    }

    private static boolean isDefault(StorageClass c) {
        Map<String, String> a = c.getMetadata().getAnnotations();
        return a != null && ("true".equals(a.get(Labels.DEFAULT_STORAGE_CLASS)) || "true".equals(a.get(Labels.DEFAULT_STORAGE_CLASS_BETA)));
    }

    /** Missing or unparsable timestamps sort as the oldest. */
    private static Instant created(StorageClass c) {
        try {
            String ts = c.getMetadata().getCreationTimestamp();
            return ts == null ? Instant.MIN : Instant.parse(ts);
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.MIN;
        }
    }
}
