package dev.evident.engine;

/** Label and annotation keys Evident reads and writes, in one place. */
public final class Labels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "evident";
    public static final String POLICY = "evident.dev/policy";
    public static final String CONTROL = "evident.dev/control";
    public static final String PSS_ENFORCE = "pod-security.kubernetes.io/enforce";

    private Labels() {
    }
}
