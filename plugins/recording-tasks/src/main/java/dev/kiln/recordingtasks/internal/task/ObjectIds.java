package dev.kiln.recordingtasks.internal.task;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Ids as Callaba (MongoDB) makes them: 12 bytes in 24 hex digits, the creation second first,
 * then 5 random bytes and a 3-byte counter, so ids sort by creation.
 */
final class ObjectIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{24}");
    private static final byte[] PROCESS = new byte[5];
    private static final AtomicInteger COUNTER = new AtomicInteger(RANDOM.nextInt());

    static {
        RANDOM.nextBytes(PROCESS);
    }

    private ObjectIds() {}

    static String next(Instant now) {
        byte[] b = new byte[12];
        long seconds = now.getEpochSecond();
        b[0] = (byte) (seconds >>> 24);
        b[1] = (byte) (seconds >>> 16);
        b[2] = (byte) (seconds >>> 8);
        b[3] = (byte) seconds;
        System.arraycopy(PROCESS, 0, b, 4, 5);
        int c = COUNTER.getAndIncrement();
        b[9] = (byte) (c >>> 16);
        b[10] = (byte) (c >>> 8);
        b[11] = (byte) c;
        return HexFormat.of().formatHex(b);
    }

    /** True for 24 lower-case hex digits. */
    static boolean valid(String id) {
        return id != null && FORM.matcher(id).matches();
    }
}
