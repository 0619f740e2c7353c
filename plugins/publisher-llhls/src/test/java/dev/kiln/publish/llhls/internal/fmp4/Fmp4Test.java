package dev.kiln.publish.llhls.internal.fmp4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import dev.kiln.api.publish.Id3Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class Fmp4Test {
    /** avcC of an H.264 High profile level 3.1 stream (SPS/PPS shortened, structure intact). */
    static final byte[] AVCC = {1, 0x64, 0x00, 0x1F, (byte) 0xFF, (byte) 0xE1, 0, 4, 0x67, 0x64, 0x00, 0x1F,
        1, 0, 2, 0x68, (byte) 0xEE};
    static final byte[] ASC = {0x11, (byte) 0x90}; // AAC-LC 48 kHz stereo

    static Track video() {
        return Track.video(0, Codec.H264, 1000, 640, 360, AVCC);
    }

    static Track audio() {
        return Track.audio(1, Codec.AAC, 1000, 48000, 2, ASC);
    }

    @Test
    void codecStringsComeFromTheConfiguration() {
        assertThat(TrackFormat.of(video()).orElseThrow().codecs()).isEqualTo("avc1.64001f");
        assertThat(TrackFormat.of(video()).orElseThrow().timescale()).isEqualTo(90_000);
        assertThat(TrackFormat.of(audio()).orElseThrow().codecs()).isEqualTo("mp4a.40.2");
        assertThat(TrackFormat.of(audio()).orElseThrow().timescale()).isEqualTo(48_000);
        assertThat(TrackFormat.of(Track.audio(2, Codec.OPUS, 48000, 48000, 2, new byte[0]))).isEmpty();
        assertThat(TrackFormat.of(Track.video(3, Codec.H264, 1000, 1, 1, new byte[0]))).isEmpty();
    }

    @Test
    void hevcCodecStringFollowsRfc6381() {
        byte[] hvcc = new byte[23];
        hvcc[0] = 1;
        hvcc[1] = 0x01; // space 0, main tier, Main profile
        hvcc[2] = 0x60; // compatibility flags 0x60000000
        hvcc[6] = (byte) 0x90; // progressive + frame-only constraints
        hvcc[12] = 93; // level 3.1
        assertThat(TrackFormat.hevcCodecs(hvcc)).isEqualTo("hvc1.1.6.L93.90");
    }

    @Test
    void initSegmentHoldsOneTrackWithItsSampleEntry() {
        byte[] v = InitSegment.of(TrackFormat.of(video()).orElseThrow());
        assertThat(Boxes.top(v)).extracting(Boxes.Box::type).containsExactly("ftyp", "moov");
        assertThat(Boxes.find(v, "moov/mvex/trex")).isPresent();
        Boxes.Box mdhd = Boxes.find(v, "moov/trak/mdia/mdhd").orElseThrow();
        assertThat(mdhd.payload().getInt(12)).isEqualTo(90_000);
        Boxes.Box stsd = Boxes.find(v, "moov/trak/mdia/minf/stbl/stsd").orElseThrow();
        String entry = new String(v, stsd.offset() + 16 + 4, 4, StandardCharsets.ISO_8859_1);
        assertThat(entry).isEqualTo("avc1");
        assertThat(new String(v, StandardCharsets.ISO_8859_1)).contains("avcC");

        byte[] a = InitSegment.of(TrackFormat.of(audio()).orElseThrow());
        Boxes.Box hdlr = Boxes.find(a, "moov/trak/mdia/hdlr").orElseThrow();
        assertThat(new String(a, hdlr.offset() + 16, 4, StandardCharsets.ISO_8859_1)).isEqualTo("soun");
        String text = new String(a, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("mp4a", "esds");
        int esds = text.indexOf("esds");
        // ES descriptor, decoder config with MPEG-4 audio, then the AudioSpecificConfig
        assertThat(a[esds + 8]).isEqualTo((byte) 0x03);
        int asc = text.indexOf(new String(new byte[] {0x05, 0x02}, StandardCharsets.ISO_8859_1), esds);
        assertThat(a[asc + 2]).isEqualTo(ASC[0]);
        assertThat(a[asc + 3]).isEqualTo(ASC[1]);
    }

    /** An OpusHead as FFmpeg's libopus encoder writes it: stereo, pre-skip 312, 48 kHz input. */
    static final byte[] OPUS_HEAD = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 2, 0x38, 0x01,
        (byte) 0x80, (byte) 0xBB, 0, 0, 0, 0, 0};

    @Test
    void opusTracksGetAnOpusSampleEntryWithADopsBoxAt48Khz() {
        Track t = Track.audio(2, Codec.OPUS, 24000, 24000, 2, OPUS_HEAD);
        TrackFormat f = TrackFormat.of(t).orElseThrow();
        assertThat(f.codecs()).isEqualTo("opus");
        assertThat(f.timescale()).isEqualTo(48_000);
        byte[] init = InitSegment.of(f);
        assertThat(Boxes.find(init, "moov/trak/mdia/mdhd").orElseThrow().payload().getInt(12)).isEqualTo(48_000);
        Boxes.Box stsd = Boxes.find(init, "moov/trak/mdia/minf/stbl/stsd").orElseThrow();
        ByteBuffer entry = ByteBuffer.wrap(init, stsd.offset() + 16, stsd.size() - 16);
        int entrySize = entry.getInt();
        assertThat(new String(init, entry.position(), 4, StandardCharsets.ISO_8859_1)).isEqualTo("Opus");
        ByteBuffer audio = ByteBuffer.wrap(init, entry.position() + 4, entrySize - 8).slice();
        assertThat(audio.getShort(6)).as("data reference index").isEqualTo((short) 1);
        assertThat(audio.getShort(16)).as("channel count").isEqualTo((short) 2);
        assertThat(audio.getShort(18)).as("sample size").isEqualTo((short) 16);
        assertThat(audio.getInt(24) >>> 16).as("sample rate").isEqualTo(48_000);
        // dOps follows the 28-byte AudioSampleEntry fields: big-endian, version 0
        ByteBuffer dops = audio.position(28).slice();
        assertThat(dops.getInt(0)).as("dOps size").isEqualTo(8 + 11);
        assertThat(new String(init, stsd.offset() + 16 + 8 + 28 + 4, 4, StandardCharsets.ISO_8859_1)).isEqualTo("dOps");
        assertThat(dops.get(8)).as("version").isEqualTo((byte) 0);
        assertThat(dops.get(9)).as("output channels").isEqualTo((byte) 2);
        assertThat(dops.getShort(10)).as("pre-skip").isEqualTo((short) 312);
        assertThat(dops.getInt(12)).as("input sample rate").isEqualTo(48_000);
        assertThat(dops.getShort(16)).as("output gain").isZero();
        assertThat(dops.get(18)).as("channel mapping family").isZero();
    }

    @Test
    void opusChannelMappingIsCopiedAndAMalformedOpusHeadIsNotPackaged() {
        byte[] head = new byte[19 + 2 + 6];
        System.arraycopy(OPUS_HEAD, 0, head, 0, 19);
        head[9] = 6;
        head[18] = 1; // family 1: 5.1
        byte[] table = {4, 2, 0, 4, 1, 2, 3, 5};
        System.arraycopy(table, 0, head, 19, table.length);
        byte[] init = InitSegment.of(TrackFormat.of(Track.audio(2, Codec.OPUS, 48000, 48000, 6, head)).orElseThrow());
        String text = new String(init, StandardCharsets.ISO_8859_1);
        int dops = text.indexOf("dOps") - 4;
        assertThat(ByteBuffer.wrap(init).getInt(dops)).isEqualTo(8 + 11 + table.length);
        assertThat(java.util.Arrays.copyOfRange(init, dops + 8 + 11, dops + 8 + 11 + table.length)).isEqualTo(table);

        byte[] bad = OPUS_HEAD.clone();
        bad[0] = 'X';
        assertThat(TrackFormat.of(Track.audio(2, Codec.OPUS, 48000, 48000, 2, bad))).isEmpty();
        byte[] noTable = head.clone();
        assertThat(TrackFormat.of(Track.audio(2, Codec.OPUS, 48000, 48000, 6,
                java.util.Arrays.copyOf(noTable, 20)))).isEmpty();
        byte[] stereoWithoutMapping = OPUS_HEAD.clone();
        stereoWithoutMapping[9] = 3; // family 0 allows one or two channels only
        assertThat(TrackFormat.of(Track.audio(2, Codec.OPUS, 48000, 48000, 3, stereoWithoutMapping))).isEmpty();
    }

    @Test
    void hevcTracksGetAnHvc1SampleEntry() {
        byte[] hvcc = new byte[23];
        hvcc[0] = 1;
        hvcc[1] = 0x01;
        hvcc[2] = 0x60;
        hvcc[12] = 120;
        Track t = Track.video(0, Codec.H265, 90000, 1920, 1080, hvcc);
        TrackFormat f = TrackFormat.of(t).orElseThrow();
        assertThat(f.codecs()).isEqualTo("hvc1.1.6.L120");
        byte[] init = InitSegment.of(f);
        Boxes.Box stsd = Boxes.find(init, "moov/trak/mdia/minf/stbl/stsd").orElseThrow();
        assertThat(new String(init, stsd.offset() + 20, 4, StandardCharsets.ISO_8859_1)).isEqualTo("hvc1");
        assertThat(new String(init, StandardCharsets.ISO_8859_1)).contains("hvcC");
        Boxes.Box tkhd = Boxes.find(init, "moov/trak/tkhd").orElseThrow();
        assertThat(tkhd.payload().getInt(tkhd.size() - 8 - 8) >>> 16).isEqualTo(1920);
    }

    @Test
    void fragmentDataOffsetPointsAtTheSamples() {
        List<Sample> samples = List.of(new Sample(9000, 3000, 0, true, new byte[] {1, 2, 3}),
                new Sample(12000, 3000, 6000, false, new byte[] {4, 5}));
        byte[] emsg = Emsg.id3(90000, 9000, 7, Id3Tag.of(List.of(new Id3Frame("TXXX", "a", "b"))));
        byte[] f = Fragment.of(5, samples, List.of(emsg));
        assertThat(Boxes.top(f)).extracting(Boxes.Box::type).containsExactly("emsg", "moof", "mdat");
        Boxes.Box moof = Boxes.find(f, "moof").orElseThrow();
        Boxes.Box tfdt = Boxes.find(f, "moof/traf/tfdt").orElseThrow();
        assertThat(tfdt.payload().get(0)).isEqualTo((byte) 1);
        assertThat(tfdt.payload().getLong(4)).isEqualTo(9000);
        ByteBuffer trun = Boxes.find(f, "moof/traf/trun").orElseThrow().payload();
        assertThat(trun.getInt(4)).isEqualTo(2);
        int dataOffset = trun.getInt(8);
        assertThat(f[moof.offset() + dataOffset]).isEqualTo((byte) 1);
        assertThat(f[moof.offset() + dataOffset + 3]).isEqualTo((byte) 4);
        // second sample: duration, size, non-sync flags, composition offset
        assertThat(trun.getInt(12 + 16)).isEqualTo(3000);
        assertThat(trun.getInt(12 + 16 + 4)).isEqualTo(2);
        assertThat(trun.getInt(12 + 16 + 8)).isEqualTo(0x01010000);
        assertThat(trun.getInt(12 + 16 + 12)).isEqualTo(6000);
        assertThat(Boxes.find(f, "moof/mfhd").orElseThrow().payload().getInt(4)).isEqualTo(5);
    }

    @Test
    void emsgCarriesAnId3TagOfTextFrames() {
        byte[] tag = Id3Tag.of(List.of(new Id3Frame("TXXX", "Kiln", "hello"), new Id3Frame("TIT2", "", "title")));
        assertThat(new String(tag, 0, 3, StandardCharsets.ISO_8859_1)).isEqualTo("ID3");
        assertThat(tag[3]).isEqualTo((byte) 4);
        int size = (tag[6] << 21) | (tag[7] << 14) | (tag[8] << 7) | tag[9];
        assertThat(size).isEqualTo(tag.length - 10);
        // TXXX: encoding, description, NUL, value
        assertThat(new String(tag, 10, 4, StandardCharsets.ISO_8859_1)).isEqualTo("TXXX");
        assertThat(tag[20]).isEqualTo((byte) 3);
        assertThat(new String(tag, 21, 10, StandardCharsets.UTF_8)).isEqualTo("Kiln\0hello");
        assertThat(new String(tag, StandardCharsets.UTF_8)).contains("TIT2");

        byte[] emsg = Emsg.id3(48000, 96000, 3, tag);
        ByteBuffer b = Boxes.top(emsg).get(0).payload();
        assertThat(b.get(0)).isEqualTo((byte) 1); // version 1
        assertThat(b.getInt(4)).isEqualTo(48000);
        assertThat(b.getLong(8)).isEqualTo(96000);
        assertThat(b.getInt(20)).isEqualTo(3);
        String rest = new String(emsg, 8 + 24, emsg.length - 32, StandardCharsets.ISO_8859_1);
        assertThat(rest).startsWith(Emsg.ID3_SCHEME + "\0\0ID3");
    }
}
