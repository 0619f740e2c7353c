package dev.kiln.recorder.internal.schedule;

import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;

/**
 * OME's split schedule: {@code <second> <minute> <hour>} as in crontab, each field {@code *},
 * {@code *}{@code /n}, {@code a}, {@code a-b}, {@code a-b/n} or a comma list of those.
 */
public final class CronSchedule {
    private final String text;
    private final BitSet seconds;
    private final BitSet minutes;
    private final BitSet hours;

    private CronSchedule(String text, BitSet seconds, BitSet minutes, BitSet hours) {
        this.text = text;
        this.seconds = seconds;
        this.minutes = minutes;
        this.hours = hours;
    }

    /**
     * Parses a schedule.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static CronSchedule parse(String text) {
        String[] fields = text.trim().split("\\s+");
        if (fields.length != 3 || text.isBlank()) {
            throw new IllegalArgumentException("must be \"<second> <minute> <hour>\", got \"" + text + "\"");
        }
        return new CronSchedule(text.trim(), field(fields[0], 59, "second"), field(fields[1], 59, "minute"),
                field(fields[2], 23, "hour"));
    }

    private static BitSet field(String f, int max, String what) {
        BitSet set = new BitSet(max + 1);
        for (String item : f.split(",", -1)) {
            int step = 1;
            String range = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                step = number(item.substring(slash + 1), Integer.MAX_VALUE, what, item);
                range = item.substring(0, slash);
                if (step == 0) {
                    throw new IllegalArgumentException(what + " step must be positive: \"" + item + "\"");
                }
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = 0;
                to = max;
            } else if (range.contains("-")) {
                String[] ab = range.split("-", -1);
                if (ab.length != 2) {
                    throw new IllegalArgumentException("bad " + what + " range \"" + item + "\"");
                }
                from = number(ab[0], max, what, item);
                to = number(ab[1], max, what, item);
                if (from > to) {
                    throw new IllegalArgumentException("bad " + what + " range \"" + item + "\"");
                }
            } else {
                from = number(range, max, what, item);
                to = slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                set.set(v);
            }
        }
        return set;
    }

    private static int number(String s, int max, String what, String item) {
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit) || s.length() > 9) {
            throw new IllegalArgumentException("bad " + what + " \"" + item + "\"");
        }
        int v = Integer.parseInt(s);
        if (v > max) {
            throw new IllegalArgumentException(what + " out of range (0-" + max + "): \"" + item + "\"");
        }
        return v;
    }

    /** The first matching time strictly after {@code t} (whole seconds). */
    public ZonedDateTime next(ZonedDateTime t) {
        ZonedDateTime c = t.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        ZonedDateTime limit = c.plusDays(2);
        while (c.isBefore(limit)) {
            if (!hours.get(c.getHour())) {
                c = c.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(c.getMinute())) {
                c = c.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            } else if (!seconds.get(c.getSecond())) {
                c = c.plusSeconds(1);
            } else {
                return c;
            }
        }
        throw new IllegalStateException("schedule " + text + " never matches");
    }

    @Override
    public String toString() {
        return text;
    }
}
