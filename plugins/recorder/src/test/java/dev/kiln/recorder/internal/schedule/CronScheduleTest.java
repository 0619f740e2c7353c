package dev.kiln.recorder.internal.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
    private static final ZonedDateTime T = ZonedDateTime.of(2026, 11, 25, 10, 7, 3, 500_000_000, ZoneOffset.UTC);

    @Test
    void everyFiveSecondsTicksOnMultiplesOfFive() {
        CronSchedule s = CronSchedule.parse("*/5 * *");
        assertThat(s.next(T)).isEqualTo(T.withSecond(5).withNano(0));
        assertThat(s.next(T.withSecond(5).withNano(0))).isEqualTo(T.withSecond(10).withNano(0));
    }

    @Test
    void omeExampleEveryMinuteAtSecondZero() {
        CronSchedule s = CronSchedule.parse("0 */1 *");
        assertThat(s.next(T)).isEqualTo(T.withMinute(8).withSecond(0).withNano(0));
    }

    @Test
    void listsAndRangesRollOverHoursAndDays() {
        CronSchedule s = CronSchedule.parse("10,20 0-1 3");
        assertThat(s.next(T)).isEqualTo(T.plusDays(1).withHour(3).withMinute(0).withSecond(10).withNano(0));
        assertThat(s.next(T.plusDays(1).withHour(3).withMinute(0).withSecond(10)))
                .isEqualTo(T.plusDays(1).withHour(3).withMinute(0).withSecond(20).withNano(0));
    }

    @Test
    void malformedSchedulesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> CronSchedule.parse("* *")).hasMessageContaining("<second> <minute> <hour>");
        assertThatThrownBy(() -> CronSchedule.parse("61 * *")).hasMessageContaining("second out of range");
        assertThatThrownBy(() -> CronSchedule.parse("*/0 * *")).hasMessageContaining("step");
        assertThatThrownBy(() -> CronSchedule.parse("a * *")).hasMessageContaining("bad second");
        assertThatThrownBy(() -> CronSchedule.parse("5-2 * *")).hasMessageContaining("range");
        assertThatThrownBy(() -> CronSchedule.parse("* * 24")).hasMessageContaining("hour out of range");
        assertThatThrownBy(() -> CronSchedule.parse("")).isInstanceOf(IllegalArgumentException.class);
    }
}
