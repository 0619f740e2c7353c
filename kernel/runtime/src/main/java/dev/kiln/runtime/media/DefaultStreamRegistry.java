package dev.kiln.runtime.media;

import com.google.protobuf.Value;
import dev.kiln.api.codec.TranscoderFactory;
import dev.kiln.api.error.ConflictException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.api.stream.StreamWriter;
import dev.kiln.api.stream.TrafficStats;
import dev.kiln.proto.v1.Application;
import dev.kiln.proto.v1.OutputProfile;
import dev.kiln.proto.v1.VirtualHost;
import dev.kiln.runtime.model.ModelListener;
import dev.kiln.runtime.model.VirtualHostRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media bus: live input streams, the output streams their applications' output profiles
 * make of them, and the sink threads that deliver to subscribers. Reacts to model changes:
 * an application that is deleted or changed has its streams disconnected (publishers
 * reconnect into the new settings).
 */
public final class DefaultStreamRegistry implements StreamRegistry, ModelListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DefaultStreamRegistry.class);

    private final VirtualHostRegistry model;
    private final StreamEvents events;
    private final Clock clock;
    private final Duration inputTimeout;
    private final Map<StreamKey, BusInput> inputs = new LinkedHashMap<>();
    private final Map<StreamKey, ProfileOutput> outputs = new LinkedHashMap<>();
    private final ExecutorService sinkExecutor;
    private final ScheduledExecutorService deliveryTimer;
    private final CoalescingExecutor coalescing;
    private final Executor delivery;
    private final ScheduledExecutorService watchdog;
    private final Supplier<Optional<TranscoderFactory>> transcoders;

    public DefaultStreamRegistry(VirtualHostRegistry model, StreamEvents events, Clock clock, Duration inputTimeout) {
        this(model, events, clock, inputTimeout, Optional::empty);
    }

    /**
     * @param transcoders the codec plugin's factory, when one is installed (looked up each time
     *                    an input's tracks are declared)
     */
    public DefaultStreamRegistry(VirtualHostRegistry model, StreamEvents events, Clock clock, Duration inputTimeout,
                                 Supplier<Optional<TranscoderFactory>> transcoders) {
        this.model = model;
        this.transcoders = transcoders;
        this.events = events;
        this.clock = clock;
        this.inputTimeout = inputTimeout;
        AtomicInteger n = new AtomicInteger();
        this.sinkExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kiln-sink-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.deliveryTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kiln-sink-timer");
            t.setDaemon(true);
            return t;
        });
        long interval = deliveryIntervalMillis();
        this.coalescing = interval == 0 ? null : new CoalescingExecutor(sinkExecutor, deliveryTimer, interval,
                Runtime.getRuntime().availableProcessors());
        this.delivery = interval == 0 ? sinkExecutor : coalescing;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kiln-stream-watchdog");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, Math.min(1000, inputTimeout.toMillis() / 4));
        watchdog.scheduleWithFixedDelay(this::closeSilentInputs, period, period, TimeUnit.MILLISECONDS);
        model.addListener(this);
    }

    /**
     * The longest a packet waits before a sink thread takes it ({@code kiln.bus.deliveryIntervalMs},
     * default 10 ms): packets that arrive within it are delivered in one batch, see
     * {@link CoalescingExecutor}. 0 hands every packet to a sink thread at once.
     */
    private static long deliveryIntervalMillis() {
        String value = System.getProperty("kiln.bus.deliveryIntervalMs", "10");
        try {
            long ms = Long.parseLong(value.trim());
            if (ms >= 0 && ms <= 1000) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        log.warn("kiln.bus.deliveryIntervalMs must be 0 to 1000 ms, got [{}]: using 10", value);
        return 10;
    }

    @Override
    public StreamWriter publish(PublishRequest request) {
        StreamKey key = request.key();
        Application app = model.app(key.vhost(), key.app());
        BusInput input = new BusInput(request, clock, delivery, events, this::remove);
        List<ProfileOutput> outs = new ArrayList<>();
        synchronized (this) {
            if (inputs.containsKey(key)) {
                throw new ConflictException("The stream [" + key + "] is already being published");
            }
            for (OutputProfile p : app.getOutputProfiles().getOutputProfileList()) {
                ProfileOutput o = new ProfileOutput(input, p, transcoders);
                if (outputs.containsKey(o.key()) || outs.stream().anyMatch(x -> x.key().equals(o.key()))) {
                    log.warn("Output profile [{}] of {} gives the output stream [{}], which exists already: skipped",
                            p.getName(), key.appPath(), o.key().name());
                    continue;
                }
                outs.add(o);
            }
            input.attachOutputs(outs);
            inputs.put(key, input);
            outs.forEach(o -> outputs.put(o.key(), o));
        }
        log.info("Stream {} created ({} from {}), outputs {}", key, request.sourceType(), request.remote(),
                outs.stream().map(o -> o.key().name()).toList());
        events.created(input);
        outs.forEach(events::created);
        return input;
    }

    private void remove(BusInput input) {
        synchronized (this) {
            inputs.remove(input.key(), input);
            outputs.values().removeIf(o -> o.input() == input);
        }
    }

    @Override
    public synchronized Optional<LiveStream> findInput(StreamKey key) {
        return Optional.ofNullable(inputs.get(key));
    }

    @Override
    public synchronized Optional<LiveStream> findOutput(StreamKey key) {
        return Optional.ofNullable(outputs.get(key));
    }

    @Override
    public synchronized List<LiveStream> inputs(String vhost, String app) {
        return inputs.values().stream()
                .filter(i -> i.key().vhost().equals(vhost) && i.key().app().equals(app))
                .map(LiveStream.class::cast)
                .toList();
    }

    @Override
    public synchronized List<LiveStream> outputs(String vhost, String app) {
        return outputs.values().stream()
                .filter(o -> o.key().vhost().equals(vhost) && o.key().app().equals(app))
                .map(LiveStream.class::cast)
                .toList();
    }

    @Override
    public synchronized List<LiveStream> outputs() {
        return List.copyOf(outputs.values());
    }

    @Override
    public Optional<Map<String, Object>> publisherSettings(String vhost, String app, String publisher) {
        Application a;
        try {
            a = model.app(vhost, app);
        } catch (RuntimeException gone) {
            return Optional.empty();
        }
        Value v = a.getPublishers().getFieldsMap().get(publisher);
        if (v == null) {
            return Optional.empty();
        }
        Object json = toJava(v);
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = json instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        return Optional.of(settings);
    }

    private static Object toJava(Value v) {
        return switch (v.getKindCase()) {
            case NUMBER_VALUE -> v.getNumberValue();
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case LIST_VALUE -> v.getListValue().getValuesList().stream().map(DefaultStreamRegistry::toJava).toList();
            case STRUCT_VALUE -> {
                Map<String, Object> m = new LinkedHashMap<>();
                v.getStructValue().getFieldsMap().forEach((k, x) -> {
                    Object j = toJava(x);
                    if (j != null) {
                        m.put(k, j);
                    }
                });
                yield java.util.Collections.unmodifiableMap(m);
            }
            default -> null;
        };
    }

    /** Output streams made of one input. */
    public List<LiveStream> outputsOf(LiveStream input) {
        return input instanceof BusInput b ? List.copyOf(b.outputs()) : List.of();
    }

    @Override
    public String resolveVhost(String host) {
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        String wildcard = null;
        for (VirtualHost v : model.vhosts()) {
            for (String name : v.getHost().getNamesList()) {
                String n = name.toLowerCase(Locale.ROOT);
                if (n.equals(h)) {
                    return v.getName();
                }
                if (wildcard == null && n.startsWith("*.") && h.endsWith(n.substring(1))) {
                    wildcard = v.getName();
                }
            }
        }
        if (wildcard != null) {
            return wildcard;
        }
        for (VirtualHost v : model.vhosts()) {
            if (v.getHost().getNamesList().contains("*")) {
                return v.getName();
            }
        }
        return "default";
    }

    /** Traffic of an application's input streams, summed. */
    public TrafficStats appTraffic(String vhost, String app) {
        return TrafficMeter.sum(inputs(vhost, app).stream().map(LiveStream::traffic).toList(),
                TrafficMeter.time(clock.instant()));
    }

    /** Traffic of a virtual host's input streams, summed. */
    public TrafficStats vhostTraffic(String vhost) {
        List<TrafficStats> parts;
        synchronized (this) {
            parts = inputs.values().stream().filter(i -> i.key().vhost().equals(vhost))
                    .map(LiveStream::traffic).toList();
        }
        return TrafficMeter.sum(parts, TrafficMeter.time(clock.instant()));
    }

    @Override
    public void applicationChanged(String vhost, Application app) {
        restart(vhost, app.getName(), "changed");
    }

    @Override
    public void applicationRemoved(String vhost, String app) {
        restart(vhost, app, "deleted");
    }

    private void restart(String vhost, String app, String why) {
        List<LiveStream> live = inputs(vhost, app);
        if (!live.isEmpty()) {
            log.info("Application [{}/{}] {}: disconnecting its {} stream(s)", vhost, app, why, live.size());
            live.forEach(LiveStream::disconnect);
        }
    }

    private void closeSilentInputs() {
        long now = clock.millis();
        List<BusInput> silent;
        synchronized (this) {
            silent = inputs.values().stream()
                    .filter(i -> now - i.lastActivityMillis() > inputTimeout.toMillis())
                    .toList();
        }
        for (BusInput i : silent) {
            log.warn("Stream {} received nothing for {} s: disconnecting {}", i.key(), inputTimeout.toSeconds(),
                    i.remote());
            i.disconnect();
        }
    }

    @Override
    public void close() {
        List<BusInput> all;
        synchronized (this) {
            all = new ArrayList<>(inputs.values());
        }
        all.forEach(BusInput::disconnect);
        watchdog.shutdownNow();
        deliveryTimer.shutdownNow();
        if (coalescing != null) {
            coalescing.shutdown();
        }
        sinkExecutor.shutdown();
        try {
            if (!sinkExecutor.awaitTermination(2, TimeUnit.SECONDS)) {
                log.warn("Some stream sinks did not finish within 2 s");
                sinkExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
