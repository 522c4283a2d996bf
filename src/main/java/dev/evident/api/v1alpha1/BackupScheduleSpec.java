package dev.evident.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupScheduleSpec {
    /** A Go duration as Velero writes them (720h, 1h30m, 90m0s). */
    public static final String DURATION_PATTERN = "^([0-9]+(\\.[0-9]+)?(h|m|s|ms))+$";
    public static final String OPTIONAL_DURATION_PATTERN = "^(([0-9]+(\\.[0-9]+)?(h|m|s|ms))+)?$";

    public enum Provider { Velero }

    @JsonPropertyDescription("Backup tool whose objects are judged: Velero (velero.io/v1 Schedule, Backup, Restore).")
    @Default("Velero")
    private Provider provider = Provider.Velero;

    @JsonPropertyDescription("Recovery point objective: a covering Schedule must fire at least this often (Go duration, default 24h).")
    @Default("24h")
    @Pattern(DURATION_PATTERN)
    private String maxInterval = "24h";

    @JsonPropertyDescription("Retention: a covering Schedule's backups must be kept at least this long (spec.template.ttl; Velero's default when unset is 720h). Default 720h.")
    @Default("720h")
    @Pattern(DURATION_PATTERN)
    private String minRetention = "720h";

    @JsonPropertyDescription("The newest Completed Backup covering the namespace must have finished within this duration of the evaluation (default 26h).")
    @Default("26h")
    @Pattern(DURATION_PATTERN)
    private String maxBackupAge = "26h";

    @JsonPropertyDescription("When set (for example 2160h), a Completed Restore of the namespace must have finished within this duration: a tested restore. Unset or empty: not checked.")
    @Pattern(OPTIONAL_DURATION_PATTERN)
    private String maxRestoreTestAge;

    @JsonPropertyDescription("Cron expression of the Schedule Evident creates in Enforce mode (default \"0 2 * * *\"); it must fire at least every maxInterval.")
    @Default("0 2 * * *")
    private String schedule = "0 2 * * *";

    @JsonPropertyDescription("Velero BackupStorageLocation of the Schedule Evident creates (default \"default\").")
    @Default("default")
    private String storageLocation = "default";

    @JsonPropertyDescription("Namespace Velero runs in, where its Schedules, Backups and Restores live (default velero).")
    @Default("velero")
    private String veleroNamespace = "velero";

    public Provider getProvider() { return provider; }
    public void setProvider(Provider provider) { this.provider = provider; }
    public String getMaxInterval() { return maxInterval; }
    public void setMaxInterval(String maxInterval) { this.maxInterval = maxInterval; }
    public String getMinRetention() { return minRetention; }
    public void setMinRetention(String minRetention) { this.minRetention = minRetention; }
    public String getMaxBackupAge() { return maxBackupAge; }
    public void setMaxBackupAge(String maxBackupAge) { this.maxBackupAge = maxBackupAge; }
    public String getMaxRestoreTestAge() { return maxRestoreTestAge; }
    public void setMaxRestoreTestAge(String maxRestoreTestAge) { this.maxRestoreTestAge = maxRestoreTestAge; }
    public String getSchedule() { return schedule; }
    public void setSchedule(String schedule) { this.schedule = schedule; }
    public String getStorageLocation() { return storageLocation; }
    public void setStorageLocation(String storageLocation) { this.storageLocation = storageLocation; }
    public String getVeleroNamespace() { return veleroNamespace; }
    public void setVeleroNamespace(String veleroNamespace) { this.veleroNamespace = veleroNamespace; }
}
