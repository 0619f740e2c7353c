package dev.kiln.recordingtasks.internal.transcode;

import dev.kiln.api.codec.OutputSpec;
import dev.kiln.api.codec.Transcoder;
import dev.kiln.api.codec.TranscoderFactory;
import dev.kiln.api.error.ConflictException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.api.stream.StreamWriter;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A stream registry and a codec plugin that only note what is asked of them. */
public final class FakeStreams {
    /** Live input streams by key (what findInput answers). */
    public final Map<StreamKey, LiveStream> live = new ConcurrentHashMap<>();
    /** Streams published through the registry, in order. */
    public final List<Published> published = new CopyOnWriteArrayList<>();
    /** Transcoders started, in order. */
    public final List<Started> started = new CopyOnWriteArrayList<>();

    /** One publish; {@code closed} once its writer is closed. */
    public static final class Published {
        public final PublishRequest request;
        public volatile boolean closed;

        Published(PublishRequest request) {
            this.request = request;
        }
    }

    /** One transcoder start; {@code closed} once the transcoder is closed. */
    public static final class Started implements Transcoder {
        public final LiveStream input;
        public final OutputSpec spec;
        public final StreamWriter output;
        public volatile boolean closed;

        Started(LiveStream input, OutputSpec spec, StreamWriter output) {
            this.input = input;
            this.spec = spec;
            this.output = output;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    public StreamRegistry registry() {
        return proxy(StreamRegistry.class, (method, args) -> switch (method) {
            case "findInput" -> Optional.ofNullable(live.get((StreamKey) args[0]));
            case "publish" -> publish((PublishRequest) args[0]);
            default -> throw new UnsupportedOperationException(method);
        });
    }

    public TranscoderFactory codec() {
        return (input, spec, output) -> {
            Started s = new Started(input, spec, output);
            started.add(s);
            return s;
        };
    }

    /** A live input stream {@code key} (a new object each call, as a new publish is). */
    public LiveStream input(StreamKey key) {
        return proxy(LiveStream.class, (method, args) -> switch (method) {
            case "key", "inputKey" -> key;
            case "isInput" -> true;
            case "tracks" -> List.of();
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private StreamWriter publish(PublishRequest request) {
        for (Published p : published) {
            if (!p.closed && p.request.key().equals(request.key())) {
                throw new ConflictException("live: " + request.key());
            }
        }
        Published p = new Published(request);
        published.add(p);
        return proxy(StreamWriter.class, (method, args) -> switch (method) {
            case "key" -> request.key();
            case "close" -> {
                p.closed = true;
                yield null;
            }
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private interface Handler {
        Object call(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(Proxy.newProxyInstance(FakeStreams.class.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> switch (method.getName()) {
                    case "toString" -> type.getSimpleName() + "@" + System.identityHashCode(self);
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    default -> handler.call(method.getName(), args);
                }));
    }
}
