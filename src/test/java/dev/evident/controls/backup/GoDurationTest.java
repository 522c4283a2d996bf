package dev.evident.controls.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

    @Test
    void readsVeleroAndGoSpellings() {
        assertThat(GoDuration.parse("720h0m0s")).isEqualTo(Duration.ofHours(720));
        assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(GoDuration.parse("1d")).isNull();
        assertThat(GoDuration.parse("")).isNull();
        assertThat(GoDuration.parse("h")).isNull();
    }

    @Test
    void writesAsVeleroDoes() {
        assertThat(GoDuration.format(Duration.ofHours(720))).isEqualTo("720h0m0s");
        assertThat(GoDuration.human(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(GoDuration.human(Duration.ZERO)).isEqualTo("0s");
    }
}
