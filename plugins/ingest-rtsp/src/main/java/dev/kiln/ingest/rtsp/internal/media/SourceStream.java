package dev.kiln.ingest.rtsp.internal.media;

/**
 * One elementary stream as the RTSP session describes it (FFmpeg's view after reading the SDP).
 *
 * @param index         FFmpeg's stream index
 * @param codecName     FFmpeg's codec name ("h264", "hevc", "aac", …)
 * @param timeBaseNum   numerator of the stream's time base
 * @param timeBaseDen   denominator of the stream's time base
 * @param width         pixels, 0 when unknown
 * @param height        pixels, 0 when unknown
 * @param sampleRate    Hz, 0 when unknown or not audio
 * @param channels      channel count, 0 when unknown or not audio
 * @param extradata     codec configuration from the SDP (Annex B parameter sets, AudioSpecificConfig), may be empty
 */
public record SourceStream(int index, String codecName, int timeBaseNum, int timeBaseDen, int width, int height,
                          int sampleRate, int channels, byte[] extradata) {
    public SourceStream {
        extradata = extradata == null ? new byte[0] : extradata.clone();
    }

    @Override
    public byte[] extradata() {
        return extradata.clone();
    }
}
