package dev.evident.controls.encryption;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.EncryptedStorageSpec;
import dev.evident.engine.Affected;
import dev.evident.engine.Control;
import dev.evident.engine.ControlContext;
import dev.evident.engine.Finding;
import dev.evident.engine.Labels;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
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
 * encryption cannot be shown from a class. StatefulSet volumeClaimTemplates are judged the same way (one
 * finding per StatefulSet), so that a CI gate catches them before any claim exists, and so are
 * PersistentVolumes bound to no claim (cluster-wide; without a class they fail). Never remediated: data cannot
 * be re-encrypted in place.
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
        return List.of(Read.all(StorageClass.class), Read.all(PersistentVolumeClaim.class), Read.all(StatefulSet.class),
                Read.all(PersistentVolume.class));
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

    /**
     * A claim or StatefulSet is judged on its own with the StorageClasses, an unclaimed PersistentVolume likewise: a
     * StorageClass change re-judges everything, any other touches its namespace or (a volume) the cluster's findings.
     */
    @Override
    public Affected affectedBy(HasMetadata object) {
        return object instanceof StorageClass ? Affected.ALL : Affected.namespaceOf(object);
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
            for (StatefulSet sts : ctx.snapshot().list(StatefulSet.class, ns.getMetadata().getName())) {
                if (!volumeClaimTemplates(sts).isEmpty()) {
                    findings.add(evaluate(ctx, settings, classes, defaultClass, sts));
                }
            }
        }
        for (PersistentVolume pv : ctx.snapshot().list(PersistentVolume.class)) {
            if (pv.getSpec() == null || pv.getSpec().getClaimRef() == null) {
                findings.add(evaluate(ctx, settings, classes, pv));
            }
        }
        return findings;
    }

    /** How one storageClassName fares: pass or fail, why. */
    private record Verdict(boolean pass, String reason, String message) {
        static Verdict fail(String reason, String message) {
            return new Verdict(false, reason, message);
        }
    }

    private Finding evaluate(ControlContext ctx, EncryptedStorageSpec settings, List<StorageClass> classes,
                             Optional<StorageClass> defaultClass, PersistentVolumeClaim pvc) {
        Verdict v = judge(settings, classes, defaultClass, pvc.getSpec() == null ? null : pvc.getSpec().getStorageClassName());
        return finding(ctx, ObjectRef.of(pvc), v);
    }

    private static List<PersistentVolumeClaim> volumeClaimTemplates(StatefulSet sts) {
        return sts.getSpec() == null || sts.getSpec().getVolumeClaimTemplates() == null
                ? List.of() : sts.getSpec().getVolumeClaimTemplates().stream().filter(t -> t != null).toList();
    }

    private static Finding finding(ControlContext ctx, ObjectRef ref, Verdict v) {
        return v.pass() ? ctx.pass(ref, v.reason(), v.message()) : ctx.fail(ref, v.reason(), v.message() + NO_REMEDIATION, null);
    }

    /**
     * A StatefulSet's volumeClaimTemplates are judged as the claims they will create, so that a CI gate catches
     * them before any claim exists: one finding per StatefulSet, failing with the first failing template's reason.
     */
    private Finding evaluate(ControlContext ctx, EncryptedStorageSpec settings, List<StorageClass> classes,
                             Optional<StorageClass> defaultClass, StatefulSet sts) {
        List<PersistentVolumeClaim> templates = volumeClaimTemplates(sts);
        List<String> parts = new ArrayList<>();
        Verdict firstFailure = null;
        for (PersistentVolumeClaim t : templates) {
            Verdict v = judge(settings, classes, defaultClass, t.getSpec() == null ? null : t.getSpec().getStorageClassName());
            String name = t.getMetadata() == null ? "?" : t.getMetadata().getName();
            parts.add("volumeClaimTemplate " + name + ": " + v.message());
            if (!v.pass() && firstFailure == null) {
                firstFailure = v;
            }
        }
        String message = String.join("; ", parts);
        return firstFailure == null ? ctx.pass(ObjectRef.of(sts), "VolumeClaimTemplatesCompliant", message)
                : ctx.fail(ObjectRef.of(sts), firstFailure.reason(), message + NO_REMEDIATION, null);
    }

    /**
     * A PersistentVolume bound to no claim is judged on its own storageClassName (no class fails: its encryption
     * cannot be shown by one). Bound volumes are judged through their claims.
     */
    private Finding evaluate(ControlContext ctx, EncryptedStorageSpec settings, List<StorageClass> classes, PersistentVolume pv) {
        String requested = pv.getSpec() == null ? null : pv.getSpec().getStorageClassName();
        Verdict v = requested == null || requested.isEmpty()
                ? Verdict.fail("NoStorageClass", "unbound volume without storageClassName: its encryption cannot be shown by a StorageClass")
                : judge(settings, classes, Optional.empty(), requested);
        return finding(ctx, ObjectRef.of(pv), v);
    }

    private static Verdict judge(EncryptedStorageSpec settings, List<StorageClass> classes, Optional<StorageClass> defaultClass,
                                 String requested) {
        StorageClass sc;
        String via;
        if (requested == null) {
            if (defaultClass.isEmpty()) {
                return Verdict.fail("NoDefaultStorageClass", "no storageClassName and no default StorageClass");
            }
            sc = defaultClass.get();
            via = "default StorageClass " + sc.getMetadata().getName();
        } else if (requested.isEmpty()) {
            return Verdict.fail("NoStorageClass", "storageClassName is \"\" (statically bound volume): its encryption cannot be shown by a StorageClass");
        } else {
            Optional<StorageClass> named = classes.stream().filter(c -> requested.equals(c.getMetadata().getName())).findFirst();
            if (named.isEmpty()) {
                return Verdict.fail("StorageClassNotFound", "StorageClass " + requested + " does not exist");
            }
            sc = named.get();
            via = "StorageClass " + requested;
        }
        String name = sc.getMetadata().getName();
        if (settings.getAllowedStorageClasses() != null && settings.getAllowedStorageClasses().contains(name)) {
            return new Verdict(true, "StorageClassAllowed", via + " is in allowedStorageClasses");
        }
        Map<String, String> required = settings.getRequiredParameters() == null ? null : settings.getRequiredParameters().get(sc.getProvisioner());
        if (required == null) {
            return Verdict.fail("ProvisionerNotCovered", via + " uses provisioner " + sc.getProvisioner()
                    + ", which requiredParameters does not list, and the class is not in allowedStorageClasses");
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
            return Verdict.fail("RequiredParametersNotMet", via + " (" + sc.getProvisioner() + "): " + String.join(", ", wrong));
        }
        return new Verdict(true, "RequiredParametersMet", via + " (" + sc.getProvisioner() + ") has " + required);
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
