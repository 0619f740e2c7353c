package dev.kiln.bench.push;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * When each video frame left the publisher, by content: the key of an H.264 frame is its
 * payload after the 5-byte FLV video header (length and CRC-32C), which a server that relays
 * the frame as it is ({@code -c copy}, Kiln's push by reference) passes on unchanged whatever it
 * does with timestamps. The publisher replays a file in a loop, so a frame is sent again every
 * loop; the clock keeps its latest send, and a frame that comes out is matched with the send
 * just before it.
 */
final class FrameClock {
    private final Map<Long, Long> sentNanos = new ConcurrentHashMap<>();

    /** The key of an AVC NALU video tag body, or -1 for anything else (sequence headers, audio). */
    static long key(byte[] videoTagBody) {
        if (videoTagBody.length <= 5 || (videoTagBody[0] & 0x0F) != 7 || videoTagBody[1] != 1) {
            return -1;
        }
        CRC32C crc = new CRC32C();
        crc.update(videoTagBody, 5, videoTagBody.length - 5);
        return ((long) (videoTagBody.length - 5) << 32) | crc.getValue();
    }

    void sent(long key, long nanos) {
        sentNanos.put(key, nanos);
    }

    /** When the frame with {@code key} was last sent, or -1 when it never was. */
    long sentAt(long key) {
        Long at = sentNanos.get(key);
        return at == null ? -1 : at;
    }
}
