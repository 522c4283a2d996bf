package dev.evident.controls.backup;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How often a Velero Schedule fires at worst: the longest gap between two consecutive firings of its cron
 * expression. Velero reads the standard five fields (minute hour day-of-month month day-of-week, with steps,
 * lists, ranges and names), the descriptors {@code @yearly @monthly @weekly @daily @hourly}, {@code @every
 * <duration>}, and an optional {@code CRON_TZ=<zone>} prefix; expressions are evaluated in UTC otherwise, as
 * Velero's server container runs.
 *
 * <p>The hour and minute fields do not depend on the day, so a day on which the expression fires has the same
 * firing times as any other: the longest gap is the longest within such a day or between the last firing of
 * one firing day and the first of the next. Those days are walked over a leap year (2024, so that 29 February
 * counts), which takes a few hundred steps even for an expression that fires every minute.
 */
final class CronInterval {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Map<String, Duration> DESCRIPTORS = Map.of(
            "@yearly", Duration.ofDays(366), "@annually", Duration.ofDays(366), "@monthly", Duration.ofDays(31),
            "@weekly", Duration.ofDays(7), "@daily", Duration.ofDays(1), "@midnight", Duration.ofDays(1), "@hourly", Duration.ofHours(1));
    private static final Map<String, Result> CACHE = new ConcurrentHashMap<>();

    /**
     * @param longestGap the longest time between two firings, or empty when it fires at most once a year
     * @param problem    why the expression is not one Velero accepts, in the user's words (then longestGap is empty)
     */
    record Result(Optional<Duration> longestGap, String problem) {
    }

    private CronInterval() {
    }

    static Result of(String expression) {
        return CACHE.computeIfAbsent(expression == null ? "" : expression.trim(), CronInterval::compute);
    }

    private static Result compute(String expression) {
        if (expression.isEmpty()) {
            return new Result(Optional.empty(), "no cron expression");
        }
        ZoneId zone = ZoneOffset.UTC;
        String cron = expression;
        if (cron.startsWith("CRON_TZ=") || cron.startsWith("TZ=")) {
            int space = cron.indexOf(' ');
            String zoneName = cron.substring(cron.indexOf('=') + 1, space < 0 ? cron.length() : space);
            try {
                zone = ZoneId.of(zoneName);
            } catch (DateTimeException e) {
                return new Result(Optional.empty(), "unknown time zone " + zoneName);
            }
            cron = space < 0 ? "" : cron.substring(space + 1).trim();
        }
        String lower = cron.toLowerCase(Locale.ROOT);
        if (DESCRIPTORS.containsKey(lower)) {
            return new Result(Optional.of(DESCRIPTORS.get(lower)), null);
        }
        if (lower.startsWith("@every ")) {
            Duration every = GoDuration.parse(cron.substring("@every ".length()).trim());
            return every == null || every.isZero() ? new Result(Optional.empty(), "@every needs a duration such as 6h or 90m")
                    : new Result(Optional.of(every), null);
        }
        ExecutionTime times;
        try {
            times = ExecutionTime.forCron(PARSER.parse(cron));
        } catch (IllegalArgumentException e) {
            return new Result(Optional.empty(), "not a five-field cron expression (minute hour day-of-month month day-of-week)");
        }
        return new Result(longestGap(times, zone), null);
    }

    private static Optional<Duration> longestGap(ExecutionTime times, ZoneId zone) {
        ZonedDateTime start = LocalDate.of(2024, 1, 1).atStartOfDay(zone);
        ZonedDateTime end = start.plusDays(367);
        Optional<ZonedDateTime> first = times.nextExecution(start.minusSeconds(1));
        if (first.isEmpty() || first.get().isAfter(end)) {
            return Optional.empty();
        }
        // Firing times within one firing day: the same on every firing day.
        ZonedDateTime day = first.get().toLocalDate().atStartOfDay(zone);
        ZonedDateTime last = first.get();
        Duration longest = Duration.ZERO;
        for (Optional<ZonedDateTime> next = times.nextExecution(last); next.isPresent()
                && next.get().toLocalDate().equals(day.toLocalDate()); next = times.nextExecution(last)) {
            longest = max(longest, Duration.between(last, next.get()));
            last = next.get();
        }
        Duration lastOfDay = Duration.between(day, last);
        // From the last firing of each firing day to the first of the next one.
        int firings = 0;
        ZonedDateTime lastOnDay = last;
        while (lastOnDay.isBefore(end)) {
            Optional<ZonedDateTime> next = times.nextExecution(lastOnDay);
            if (next.isEmpty()) {
                break;
            }
            firings++;
            longest = max(longest, Duration.between(lastOnDay, next.get()));
            lastOnDay = next.get().toLocalDate().atStartOfDay(zone).plus(lastOfDay);
        }
        return firings == 0 || longest.compareTo(Duration.ofDays(366)) > 0 ? Optional.empty() : Optional.of(longest);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
