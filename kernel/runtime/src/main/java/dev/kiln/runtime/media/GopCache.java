package dev.kiln.runtime.media;

import dev.kiln.api.media.MediaPacket;
import java.util.ArrayList;
import java.util.List;

/**
 * The packets since the last video key frame, retained, so a new subscriber can start
 * decoding at once. Bounded: past the limits it empties and waits for the next key frame.
 * Not thread-safe: the owning stream serializes access.
 */
final class GopCache {
    private final int maxPackets;
    private final long maxBytes;
    private final List<MediaPacket> packets = new ArrayList<>();
    private long bytes;
    private boolean open;

    GopCache(int maxPackets, long maxBytes) {
        this.maxPackets = maxPackets;
        this.maxBytes = maxBytes;
    }

    /**
     * Offers a packet the caller still owns; the cache retains what it keeps.
     *
     * @param videoKeyframe the packet starts a new GOP
     * @param hasVideo      the stream has a video track (audio-only streams cache nothing)
     */
    void add(MediaPacket packet, boolean videoKeyframe, boolean hasVideo) {
        if (!hasVideo) {
            return;
        }
        if (videoKeyframe) {
            clear();
            open = true;
        }
        if (!open) {
            return;
        }
        if (packets.size() >= maxPackets || bytes + packet.payload().length() > maxBytes) {
            clear();
            return;
        }
        packets.add(packet.retain());
        bytes += packet.payload().length();
    }

    /** The cached packets, each retained once more for the caller. */
    List<MediaPacket> snapshot() {
        List<MediaPacket> out = new ArrayList<>(packets.size());
        for (MediaPacket p : packets) {
            out.add(p.retain());
        }
        return out;
    }

    void clear() {
        for (MediaPacket p : packets) {
            p.payload().release();
        }
        packets.clear();
        bytes = 0;
        open = false;
    }
}
