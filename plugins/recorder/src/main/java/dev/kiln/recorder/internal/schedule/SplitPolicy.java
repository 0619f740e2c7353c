package dev.kiln.recorder.internal.schedule;

import java.time.Instant;
import java.time.ZoneId;

/**
 * When a recording moves on to its next file. The caller asks only at a key frame, so a
 * split lands on the first key frame at or after the moment it is due.
 */
public interface SplitPolicy {

    /** Called when a file opens; returns the state to ask {@link #due} with. */
    Mark opened(long mediaMillis, Instant wallClock);

    /** True when the file opened at {@code mark} should end before this packet. */
    boolean due(Mark mark, long mediaMillis, Instant wallClock);

    /** Where a file started, in media time and on the wall clock, and when its schedule ticks. */
    record Mark(long mediaMillis, Instant wallClock, Instant nextTick) {}

    /** One file per recording. */
    static SplitPolicy never() {
        return new SplitPolicy() {
            @Override
            public Mark opened(long mediaMillis, Instant wallClock) {
                return new Mark(mediaMillis, wallClock, Instant.MAX);
            }

            @Override
            public boolean due(Mark mark, long mediaMillis, Instant wallClock) {
                return false;
            }
        };
    }

    /** A new file every {@code intervalMillis} of media time. */
    static SplitPolicy interval(long intervalMillis) {
        return new SplitPolicy() {
            @Override
            public Mark opened(long mediaMillis, Instant wallClock) {
                return new Mark(mediaMillis, wallClock, Instant.MAX);
            }

            @Override
            public boolean due(Mark mark, long mediaMillis, Instant wallClock) {
                return mediaMillis - mark.mediaMillis() >= intervalMillis;
            }
        };
    }

    /** A new file at every tick of the schedule (wall clock, in {@code zone}). */
    static SplitPolicy schedule(CronSchedule cron, ZoneId zone) {
        return new SplitPolicy() {
            @Override
            public Mark opened(long mediaMillis, Instant wallClock) {
                return new Mark(mediaMillis, wallClock, cron.next(wallClock.atZone(zone)).toInstant());
            }

            @Override
            public boolean due(Mark mark, long mediaMillis, Instant wallClock) {
                return !wallClock.isBefore(mark.nextTick());
            }
        };
    }
}
