package dev.evident.evidence;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How a report's period and silence are written, the same for the CLI and the HTTP endpoint. */
public final class ReportOptions {
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

    private ReportOptions() {
    }

    /** A date (its start, or with endOfDay the start of the next day) or an RFC 3339 time. */
    public static Instant time(String name, String value, boolean endOfDay) {
        try {
            if (value.length() == 10) {
                LocalDate date = LocalDate.parse(value);
                return (endOfDay ? date.plusDays(1) : date).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(value.toUpperCase(Locale.ROOT)).toInstant();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not a date (2025-01-31) or an RFC 3339 time (2025-01-31T09:00:00Z)");
        }
    }

    public static Duration duration(String name, String value) {
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not a duration such as 90s, 10m, 25h or 2d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The period, checked: it must end after it starts. */
    public static Instant[] period(String from, String to) {
        Instant start = time("from", from, false);
        Instant end = time("to", to, true);
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("to: the period must end after it starts (" + start + " .. " + end + ")");
        }
        return new Instant[] {start, end};
    }
}
