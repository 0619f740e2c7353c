package dev.kiln.rtmp.protocol.flv;

import io.netty.buffer.ByteBuf;

/**
 * A parsed FLV audio tag body.
 *
 * @param codec the codec named by the tag
 * @param kind {@link TagKind#CONFIG}, {@link TagKind#FRAME}, {@link TagKind#END_OF_SEQUENCE} or
 *     {@link TagKind#UNSUPPORTED}
 * @param timestampMs the RTMP message timestamp
 * @param flvSampleRate the legacy header's rate (5512, 11025, 22050 or 44100; AAC always says
 *     44100, the real rate is in the AudioSpecificConfig), 0 for Enhanced RTMP audio
 * @param flvChannels the legacy header's channel count (1 or 2), 0 for Enhanced RTMP audio
 * @param config AudioSpecificConfig (AAC) or the codec's configuration for {@link TagKind#CONFIG},
 *     else {@code null} (a copy)
 * @param payload for {@link TagKind#FRAME}, a slice of the tag body (a raw AAC frame for AAC),
 *     no copy and no extra reference; otherwise {@code null}
 */
public record AudioTag(AudioCodec codec, TagKind kind, long timestampMs, int flvSampleRate,
    int flvChannels, byte[] config, ByteBuf payload) {}
