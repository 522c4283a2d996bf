package dev.evident.controls.backup;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Velero and Go write them: "720h0m0s", "1h30m", "90m", "1.5h". */
final class GoDuration {
    private static final Pattern WHOLE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?(?:h|m|s|ms))+");
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(h|ms|m|s)");

    private GoDuration() {
    }

    /** The duration, or null when the text is not one. */
    static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            return null;
        }
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            long unit = switch (m.group(2)) {
                case "h" -> 3_600_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "s" -> 1_000_000_000L;
                default -> 1_000_000L;
            };
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** Go's own spelling ("720h0m0s"), as Velero writes a Schedule's ttl. */
    static String format(Duration d) {
        return d.toHours() + "h" + d.toMinutesPart() + "m" + d.toSecondsPart() + "s";
    }

    /** For messages: "26h", "1h30m", "45s". */
    static String human(Duration d) {
        StringBuilder b = new StringBuilder();
        if (d.toHours() > 0) {
            b.append(d.toHours()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            b.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0 || b.length() == 0) {
            b.append(d.toSecondsPart()).append('s');
        }
        return b.toString();
    }
}
