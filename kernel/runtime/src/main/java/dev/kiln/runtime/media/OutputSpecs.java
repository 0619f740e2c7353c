package dev.kiln.runtime.media;

import dev.kiln.api.codec.EncodeSpec;
import dev.kiln.api.codec.OutputSpec;
import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaType;
import dev.kiln.proto.v1.AudioEncode;
import dev.kiln.proto.v1.BypassIfMatch;
import dev.kiln.proto.v1.OutputProfile;
import dev.kiln.proto.v1.VideoEncode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a stored output profile into the codec plugin's {@link OutputSpec}. */
final class OutputSpecs {
    private OutputSpecs() {}

    static OutputSpec of(OutputProfile p, String streamName) {
        List<EncodeSpec> encodes = new ArrayList<>();
        for (VideoEncode v : p.getEncodes().getVideosList()) {
            encodes.add(new EncodeSpec(v.getName(), MediaType.VIDEO, v.getBypass(),
                    Codec.fromProfileName(v.getCodec()).orElse(null), v.getWidth(), v.getHeight(),
                    v.getFramerate(), v.getBitrate(), v.getKeyFrameInterval(), v.getBFrames(), v.getPreset(),
                    v.getProfile(), v.getModules(), 0, 0, match(v.hasBypassIfMatch() ? v.getBypassIfMatch() : null)));
        }
        for (AudioEncode a : p.getEncodes().getAudiosList()) {
            encodes.add(new EncodeSpec(a.getName(), MediaType.AUDIO, a.getBypass(),
                    Codec.fromProfileName(a.getCodec()).orElse(null), 0, 0, 0, a.getBitrate(), 0, 0, "", "", "",
                    a.getSamplerate(), a.getChannel(), match(a.hasBypassIfMatch() ? a.getBypassIfMatch() : null)));
        }
        return new OutputSpec(p.getName(), streamName, encodes);
    }

    private static Map<String, String> match(BypassIfMatch m) {
        Map<String, String> out = new LinkedHashMap<>();
        if (m != null) {
            m.getAllFields().forEach((field, value) -> out.put(field.getJsonName(), String.valueOf(value)));
        }
        return out;
    }
}
