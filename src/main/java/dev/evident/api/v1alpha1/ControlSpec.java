package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.networkDefaultDeny) || self.type == 'NetworkDefaultDeny'", message = "networkDefaultDeny is only allowed with type NetworkDefaultDeny")
@ValidationRule(value = "!has(self.podSecurityLevel) || self.type == 'PodSecurityLevel'", message = "podSecurityLevel is only allowed with type PodSecurityLevel")
@ValidationRule(value = "self.type != 'PodSecurityLevel' || has(self.podSecurityLevel)", message = "type PodSecurityLevel needs the podSecurityLevel block")
@ValidationRule(value = "!has(self.rbacLeastPrivilege) || self.type == 'RbacLeastPrivilege'", message = "rbacLeastPrivilege is only allowed with type RbacLeastPrivilege")
@ValidationRule(value = "!has(self.encryptedStorage) || self.type == 'EncryptedStorage'", message = "encryptedStorage is only allowed with type EncryptedStorage")
@ValidationRule(value = "!has(self.ingressTls) || self.type == 'IngressTLS'", message = "ingressTls is only allowed with type IngressTLS")
@ValidationRule(value = "!has(self.secretsEncryptionAtRest) || self.type == 'SecretsEncryptionAtRest'", message = "secretsEncryptionAtRest is only allowed with type SecretsEncryptionAtRest")
@ValidationRule(value = "!has(self.auditLogging) || self.type == 'AuditLogging'", message = "auditLogging is only allowed with type AuditLogging")
@ValidationRule(value = "!has(self.secretsInConfig) || self.type == 'SecretsInConfig'", message = "secretsInConfig is only allowed with type SecretsInConfig")
@ValidationRule(value = "!has(self.backupSchedule) || self.type == 'BackupSchedule'", message = "backupSchedule is only allowed with type BackupSchedule")
public class ControlSpec {
    public static final String ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$";
    public static final String CRITERION_PATTERN = "^(CC|A|C|PI|P)[0-9]+(\\.[0-9]+)*$";

    @JsonPropertyDescription("Identifier of the control, unique within the policy (for example NET-001).")
    @Required
    @Pattern(ID_PATTERN)
    private String id;

    @JsonPropertyDescription("Control type, one of: NetworkDefaultDeny, PodSecurityLevel, RbacLeastPrivilege, EncryptedStorage, IngressTLS, "
            + "GatewayTLS, SecretsEncryptionAtRest, AuditLogging, SecretsInConfig, BackupSchedule. Its settings go in the block of the same name, lower camel case (networkDefaultDeny, podSecurityLevel, ...); GatewayTLS has none.")
    @Required
    @SchemaFrom(type = ControlType.class)
    private String type;

    @JsonPropertyDescription("Overrides the policy's mode for this control.")
    private Mode mode;

    @JsonPropertyDescription("SOC 2 Trust Services Criteria this control evidences (for example CC6.6). Defaults to the control catalogue's.")
    private List<@Pattern(CRITERION_PATTERN) String> criteria;

    @JsonPropertyDescription("Settings of a NetworkDefaultDeny control.")
    private NetworkDefaultDenySpec networkDefaultDeny;

    @JsonPropertyDescription("Settings of a PodSecurityLevel control.")
    private PodSecurityLevelSpec podSecurityLevel;

    @JsonPropertyDescription("Settings of a RbacLeastPrivilege control.")
    private RbacLeastPrivilegeSpec rbacLeastPrivilege;

    @JsonPropertyDescription("Settings of an EncryptedStorage control.")
    private EncryptedStorageSpec encryptedStorage;

    @JsonPropertyDescription("Settings of an IngressTLS control.")
    private IngressTlsSpec ingressTls;

    @JsonPropertyDescription("Settings of a SecretsEncryptionAtRest control (none yet).")
    private SecretsEncryptionAtRestSpec secretsEncryptionAtRest;

    @JsonPropertyDescription("Settings of an AuditLogging control (none yet).")
    private AuditLoggingSpec auditLogging;

    @JsonPropertyDescription("Settings of a SecretsInConfig control.")
    private SecretsInConfigSpec secretsInConfig;

    @JsonPropertyDescription("Settings of a BackupSchedule control.")
    private BackupScheduleSpec backupSchedule;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public Mode getMode() { return mode; }
    public void setMode(Mode mode) { this.mode = mode; }
    public List<String> getCriteria() { return criteria; }
    public void setCriteria(List<String> criteria) { this.criteria = criteria; }
    public NetworkDefaultDenySpec getNetworkDefaultDeny() { return networkDefaultDeny; }
    public void setNetworkDefaultDeny(NetworkDefaultDenySpec networkDefaultDeny) { this.networkDefaultDeny = networkDefaultDeny; }
    public PodSecurityLevelSpec getPodSecurityLevel() { return podSecurityLevel; }
    public void setPodSecurityLevel(PodSecurityLevelSpec podSecurityLevel) { this.podSecurityLevel = podSecurityLevel; }
    public RbacLeastPrivilegeSpec getRbacLeastPrivilege() { return rbacLeastPrivilege; }
    public void setRbacLeastPrivilege(RbacLeastPrivilegeSpec rbacLeastPrivilege) { this.rbacLeastPrivilege = rbacLeastPrivilege; }
    public EncryptedStorageSpec getEncryptedStorage() { return encryptedStorage; }
    public void setEncryptedStorage(EncryptedStorageSpec encryptedStorage) { this.encryptedStorage = encryptedStorage; }
    public IngressTlsSpec getIngressTls() { return ingressTls; }
    public void setIngressTls(IngressTlsSpec ingressTls) { this.ingressTls = ingressTls; }
    public SecretsEncryptionAtRestSpec getSecretsEncryptionAtRest() { return secretsEncryptionAtRest; }
    public void setSecretsEncryptionAtRest(SecretsEncryptionAtRestSpec secretsEncryptionAtRest) { this.secretsEncryptionAtRest = secretsEncryptionAtRest; }
    public AuditLoggingSpec getAuditLogging() { return auditLogging; }
    public void setAuditLogging(AuditLoggingSpec auditLogging) { this.auditLogging = auditLogging; }
    public SecretsInConfigSpec getSecretsInConfig() { return secretsInConfig; }
    public void setSecretsInConfig(SecretsInConfigSpec secretsInConfig) { this.secretsInConfig = secretsInConfig; }
    public BackupScheduleSpec getBackupSchedule() { return backupSchedule; }
    public void setBackupSchedule(BackupScheduleSpec backupSchedule) { this.backupSchedule = backupSchedule; }
}
