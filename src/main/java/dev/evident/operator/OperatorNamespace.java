package dev.evident.operator;

/**
 * Where the operator runs: evident.operator-namespace, else the client's namespace (the pod's). The
 * namespace no control may lock the operator out of, and where the leader-election Lease lives.
 */
public record OperatorNamespace(String name) {
}
