package dev.evident.controls.secrets;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a configuration value looks like, without keeping the value: a credential format, a plain literal, or
 * nothing (empty, a file path, a $(VAR) reference). The operator caches objects with each value replaced by
 * {@link #marker()}, and {@link #of(String)} reads a marker back as the format it stands for, so a slimmed
 * object is judged exactly as the original.
 */
enum ValueFormat {
    PRIVATE_KEY("a private key PEM block", Pattern.compile("-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----")),
    AWS_ACCESS_KEY("an AWS access key id", Pattern.compile("\\b(AKIA|ASIA)[0-9A-Z]{16}\\b")),
    JWT("a JSON Web Token", Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}")),
    GITHUB_TOKEN("a GitHub token", Pattern.compile("\\bgh[pousr]_[A-Za-z0-9]{36,}\\b")),
    SLACK_TOKEN("a Slack token", Pattern.compile("\\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    URL_PASSWORD("a URL with a password", Pattern.compile("\\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^/\\s:@]{1,256}:[^/\\s@]{1,256}@")),
    LITERAL("a literal value", null),
    NONE("no value", null);

    static final String MARKER_PREFIX = "evident-masked:";
    /** Values longer than this are scanned only this far (ConfigMaps can hold megabytes). */
    private static final int SCAN_LIMIT = 1 << 20;

    private final String description;
    private final Pattern pattern;

    ValueFormat(String description, Pattern pattern) {
        this.description = description;
        this.pattern = pattern;
    }

    String description() {
        return description;
    }

    /** Whether the value is a credential whatever its key is called. */
    boolean credential() {
        return pattern != null;
    }

    String marker() {
        return MARKER_PREFIX + name().toLowerCase(Locale.ROOT);
    }

    static ValueFormat of(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        if (value.startsWith(MARKER_PREFIX)) {
            for (ValueFormat f : values()) {
                if (f.marker().equals(value)) {
                    return f;
                }
            }
        }
        String scanned = value.length() > SCAN_LIMIT ? value.substring(0, SCAN_LIMIT) : value;
        for (ValueFormat f : values()) {
            if (f.pattern != null && f.pattern.matcher(scanned).find()) {
                return f;
            }
        }
        String v = value.strip();
        if (v.startsWith("/") && !v.contains(" ") || v.matches("\\$[({][A-Za-z_][A-Za-z0-9_]*[)}]")) {
            return NONE;
        }
        return LITERAL;
    }
}
