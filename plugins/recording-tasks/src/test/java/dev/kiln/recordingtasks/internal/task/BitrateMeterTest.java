package dev.kiln.recordingtasks.internal.task;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BitrateMeterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void ratesTheLastSecondsInKilobits() {
        BitrateMeter m = new BitrateMeter();
        assertThat(m.kilobitsPerSecond()).isZero();
        m.sample(0, 0);
        assertThat(m.kilobitsPerSecond()).isZero();
        for (int i = 1; i <= 10; i++) {
            m.sample(i * SECOND, i * 250_000L); // 2000 kbit/s
        }
        assertThat(m.kilobitsPerSecond()).isEqualTo(2000);
        for (int i = 11; i <= 20; i++) {
            m.sample(i * SECOND, 2_500_000L + (i - 10) * 125_000L); // 1000 kbit/s now
        }
        assertThat(m.kilobitsPerSecond()).isEqualTo(1000);
        m.reset();
        assertThat(m.kilobitsPerSecond()).isZero();
    }
}
