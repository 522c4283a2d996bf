package dev.evident.controls;

import dev.evident.controls.backup.BackupSchedule;
import dev.evident.controls.controlplane.AuditLogging;
import dev.evident.controls.encryption.EncryptedStorage;
import dev.evident.controls.encryption.GatewayTLS;
import dev.evident.controls.encryption.IngressTLS;
import dev.evident.controls.encryption.SecretsEncryptionAtRest;
import dev.evident.controls.network.NetworkDefaultDeny;
import dev.evident.controls.network.PodSecurityLevel;
import dev.evident.controls.rbac.RbacLeastPrivilege;
import dev.evident.controls.secrets.SecretsInConfig;
import dev.evident.engine.ControlCatalog;
import java.util.List;

/**
 * The control types Evident ships. Adding a control means adding it here (and its settings block to
 * ControlSpec), nowhere else: the engine knows only the Control interface, the operator and the audit command
 * only this catalogue.
 */
public final class StandardControls {
    private StandardControls() {
    }

    public static ControlCatalog catalog() {
        return new ControlCatalog(List.of(
                new NetworkDefaultDeny(),
                new PodSecurityLevel(),
                new RbacLeastPrivilege(),
                new EncryptedStorage(),
                new IngressTLS(),
                new GatewayTLS(),
                new SecretsEncryptionAtRest(),
                new AuditLogging(),
                new SecretsInConfig(),
                new BackupSchedule()));
    }
}
