package dev.kiln.push.internal.task;

import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.push.internal.target.PushTargetFactory;

/** What every push task shares: the stream registry, the store, the timer and the targets. */
record PushContext(StreamRegistry streams, PushStore store, PushTimer timer, PushTargetFactory targets) {}
