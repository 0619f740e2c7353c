package dev.kiln.ingest.rtsp.internal.media;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import dev.kiln.rtmp.protocol.flv.AudioSpecificConfig;
import dev.kiln.rtmp.protocol.flv.FlvParseException;
import java.util.Arrays;

/**
 * An AAC stream: the AudioSpecificConfig from the SDP is the track's configuration; frames pass
 * as they are (an ADTS header, should a source send one, is cut off).
 */
final class AacConverter implements TrackConverter {
    private final Track track;
    private boolean changed = true;

    private AacConverter(Track track) {
        this.track = track;
    }

    /** The converter, or null when the SDP gives no usable AudioSpecificConfig. */
    static AacConverter of(int trackId, SourceStream stream) {
        byte[] asc = stream.extradata();
        if (asc.length < 2) {
            return null;
        }
        int rate = stream.sampleRate();
        int channels = stream.channels();
        try {
            AudioSpecificConfig c = AudioSpecificConfig.parse(asc);
            rate = c.sampleRate() > 0 ? c.sampleRate() : rate;
            channels = c.channels() > 0 ? c.channels() : channels;
        } catch (FlvParseException e) {
            return null;
        }
        if (rate <= 0) {
            return null;
        }
        return new AacConverter(Track.audio(trackId, Codec.AAC, rate, rate, channels, asc));
    }

    @Override
    public Track track() {
        return track;
    }

    @Override
    public boolean takeChanged() {
        boolean c = changed;
        changed = false;
        return c;
    }

    @Override
    public Frame convert(byte[] data, boolean keyFlag) {
        if (data.length >= 7 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xF6) == 0xF0) {
            int header = (data[1] & 0x01) == 0 ? 9 : 7; // protection_absent = 0: a CRC follows
            data = data.length > header ? Arrays.copyOfRange(data, header, data.length) : new byte[0];
        }
        return data.length == 0 ? null : new Frame(data, true);
    }
}
