package dev.evident.api.v1alpha1;

/**
 * The control types this version of the API knows. Only used to generate the schema's enum:
 * {@link ControlSpec#getType()} stays a string so that a policy written for a newer CRD still
 * deserializes and is reported as InvalidSpec instead of vanishing from the informer.
 */
public enum ControlType {
    NetworkDefaultDeny,
    PodSecurityLevel,
    RbacLeastPrivilege,
    EncryptedStorage,
    IngressTLS,
    GatewayTLS,
    SecretsEncryptionAtRest,
    AuditLogging,
    SecretsInConfig,
    BackupSchedule
}
