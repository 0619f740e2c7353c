package dev.kiln.runtime.control;

import dev.kiln.api.media.MediaType;
import dev.kiln.api.media.Track;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.OutputTrackStatus;
import dev.kiln.api.stream.TrackStats;
import dev.kiln.api.stream.UnavailableTrack;
import dev.kiln.proto.v1.AudioTrackInfo;
import dev.kiln.proto.v1.InputInfo;
import dev.kiln.proto.v1.OutputInfo;
import dev.kiln.proto.v1.StreamInfo;
import dev.kiln.proto.v1.TrackInfo;
import dev.kiln.proto.v1.VideoTrackInfo;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds the API's view of a stream from the media bus. */
final class StreamInfos {
    private StreamInfos() {}

    static StreamInfo of(LiveStream input, List<LiveStream> outputs) {
        InputInfo.Builder in = InputInfo.newBuilder()
                .setCreatedTime(ApiTime.format(input.createdTime()))
                .setSourceType(input.sourceType());
        for (Track t : input.tracks()) {
            in.addTracks(inputTrack(t, input.trackStats(t.id())));
        }
        StreamInfo.Builder out = StreamInfo.newBuilder().setName(input.key().name()).setInput(in);
        for (LiveStream o : outputs) {
            out.addOutputs(output(o));
        }
        return out.build();
    }

    private static TrackInfo inputTrack(Track t, TrackStats s) {
        TrackInfo.Builder b = TrackInfo.newBuilder().setId(t.id()).setType(t.type().displayName());
        if (t.type() == MediaType.VIDEO) {
            b.setVideo(VideoTrackInfo.newBuilder()
                    .setBypass(false)
                    .setCodec(t.codec().displayName())
                    .setWidth(t.width())
                    .setHeight(t.height())
                    .setFramerate(s.framerate())
                    .setBitrate(Long.toString(s.bitrate()))
                    .setKeyFrameInterval(s.keyFrameInterval())
                    .setHasBframes(s.hasBframes()));
        } else if (t.type() == MediaType.AUDIO) {
            b.setAudio(AudioTrackInfo.newBuilder()
                    .setBypass(false)
                    .setCodec(t.codec().displayName())
                    .setSamplerate(t.sampleRate())
                    .setChannel(t.channels())
                    .setBitrate(Long.toString(s.bitrate())));
        }
        return b.build();
    }

    private static OutputInfo output(LiveStream o) {
        OutputInfo.Builder b = OutputInfo.newBuilder().setName(o.key().name());
        Map<Integer, OutputTrackStatus> status = new TreeMap<>();
        for (OutputTrackStatus s : o.trackStatus()) {
            status.put(s.trackId(), s);
        }
        Map<Integer, TrackInfo.Builder> tracks = new TreeMap<>();
        for (Track t : o.tracks()) {
            OutputTrackStatus s = status.remove(t.id());
            TrackInfo.Builder tb = TrackInfo.newBuilder().setId(t.id()).setType(t.type().displayName());
            if (!t.name().isEmpty()) {
                tb.setName(t.name());
            }
            // Without a status (nothing reported yet), the track is taken as passed through.
            boolean bypass = s == null || s.module().equals(OutputTrackStatus.BYPASS);
            if (t.type() == MediaType.VIDEO) {
                VideoTrackInfo.Builder v = VideoTrackInfo.newBuilder().setBypass(bypass);
                if (!bypass) {
                    v.setCodec(t.codec().displayName()).setWidth(t.width()).setHeight(t.height());
                }
                tb.setVideo(v);
            } else if (t.type() == MediaType.AUDIO) {
                AudioTrackInfo.Builder a = AudioTrackInfo.newBuilder().setBypass(bypass);
                if (!bypass) {
                    a.setCodec(t.codec().displayName()).setSamplerate(t.sampleRate()).setChannel(t.channels());
                }
                tb.setAudio(a);
            }
            if (s != null) {
                status(tb, s);
            }
            tracks.put(t.id(), tb);
        }
        // Tracks whose encoder failed to open: the output has no track with their id.
        for (OutputTrackStatus s : status.values()) {
            MediaType type = s.codec().type();
            TrackInfo.Builder tb = TrackInfo.newBuilder().setId(s.trackId()).setType(type.displayName());
            if (!s.name().isEmpty()) {
                tb.setName(s.name());
            }
            if (type == MediaType.VIDEO) {
                tb.setVideo(VideoTrackInfo.newBuilder().setBypass(false).setCodec(s.codec().displayName()));
            } else if (type == MediaType.AUDIO) {
                tb.setAudio(AudioTrackInfo.newBuilder().setBypass(false).setCodec(s.codec().displayName()));
            }
            status(tb, s);
            tracks.put(s.trackId(), tb);
        }
        int nextId = 0;
        for (TrackInfo.Builder tb : tracks.values()) {
            b.addTracks(tb);
            nextId = tb.getId() + 1;
        }
        for (UnavailableTrack u : o.unavailableTracks()) {
            TrackInfo.Builder tb = TrackInfo.newBuilder()
                    .setId(nextId++)
                    .setType(u.codec().type().displayName())
                    .setAvailable(false)
                    .setReason(u.reason());
            if (!u.name().isEmpty()) {
                tb.setName(u.name());
            }
            if (u.codec().type() == MediaType.VIDEO) {
                tb.setVideo(VideoTrackInfo.newBuilder().setBypass(false).setCodec(u.codec().displayName()));
            } else {
                tb.setAudio(AudioTrackInfo.newBuilder().setBypass(false).setCodec(u.codec().displayName()));
            }
            b.addTracks(tb);
        }
        return b.build();
    }

    private static void status(TrackInfo.Builder tb, OutputTrackStatus s) {
        if (!s.module().isEmpty()) {
            tb.setModule(s.module());
        }
        if (s.failed()) {
            tb.setState("error").setError(s.error());
        }
    }
}
