package dev.evident.controls.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CronIntervalTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "0 2 * * *         | PT24H",
            "*/15 * * * *      | PT15M",
            "0 */6 * * *       | PT6H",
            "0 1,13 * * *      | PT12H",
            "0 1,5 * * *       | PT20H",            // lists: 01:00 and 05:00, so 20 h from 05:00 to the next 01:00
            "0 9-17 * * *      | PT16H",            // ranges: hourly 09-17, then overnight
            "0 2 * * 1-5       | PT72H",            // weekdays: Friday 02:00 to Monday 02:00
            "0 2 * * MON-FRI   | PT72H",
            "30 3 * * 0        | PT168H",           // weekly
            "0 0 1 * *         | PT744H",           // monthly: 31 days at worst
            "0 2 * 1-11 *      | PT768H",           // none in December: 30 Nov to 1 Jan, 32 days
            "* * * * *         | PT1M",
            "@daily            | PT24H",
            "@hourly           | PT1H",
            "@weekly           | PT168H",
            "@every 6h         | PT6H",
            "@every 1h30m      | PT1H30M",
            "CRON_TZ=Asia/Tokyo 0 2 * * *    | PT24H",
    })
    void longestGapBetweenFirings(String expression, String expected) {
        CronInterval.Result result = CronInterval.of(expression.trim());
        assertThat(result.problem()).isNull();
        assertThat(result.longestGap()).contains(Duration.parse(expected));
    }

    /**
     * In a zone with summer time a daily 02:00 does not exist on the day the clocks spring forward, so that day
     * has no firing and the worst gap is 47 hours: a 24h RPO is not met there, and Evident says so.
     */
    @org.junit.jupiter.api.Test
    void summerTimeSwitchesLengthenTheWorstGap() {
        Duration gap = CronInterval.of("CRON_TZ=Europe/Berlin 0 2 * * *").longestGap().orElseThrow();
        assertThat(gap).isEqualTo(Duration.ofHours(47));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 0 29 2 *", "0 0 31 2 *"})
    void firingAtMostOnceAYearHasNoInterval(String expression) {
        CronInterval.Result result = CronInterval.of(expression);
        assertThat(result.longestGap()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "every day", "0 2 * *", "61 2 * * *", "@every", "@every soon", "CRON_TZ=Mars/Base 0 2 * * *"})
    void invalidExpressionsSayWhyInPlainWords(String expression) {
        CronInterval.Result result = CronInterval.of(expression);
        assertThat(result.problem()).isNotBlank().doesNotContain("Exception", "com.");
        assertThat(result.longestGap()).isEmpty();
    }
}
