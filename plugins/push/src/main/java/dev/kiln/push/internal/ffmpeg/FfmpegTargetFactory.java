package dev.kiln.push.internal.ffmpeg;

import dev.kiln.push.internal.target.PushTarget;
import dev.kiln.push.internal.target.PushTargetFactory;
import dev.kiln.push.internal.target.TargetSpec;

/** SRT and MPEG-TS/UDP connections, muxed to MPEG-TS by FFmpeg on a thread per connection. */
public final class FfmpegTargetFactory implements PushTargetFactory {
    @Override
    public PushTarget create(TargetSpec spec) {
        return new FfmpegTarget(spec);
    }
}
