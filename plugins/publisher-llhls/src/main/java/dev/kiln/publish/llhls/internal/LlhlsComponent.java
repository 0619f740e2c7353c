package dev.kiln.publish.llhls.internal;

import dev.kiln.api.media.StreamKey;
import dev.kiln.api.publish.HlsDumpRequest;
import dev.kiln.api.publish.PlaybackEvent;
import dev.kiln.api.publish.PlaybackPublisher;
import dev.kiln.api.stream.LiveStream;
import dev.kiln.api.server.ServerSettings;
import dev.kiln.api.stream.StreamListener;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.publish.llhls.internal.http.PlaybackServer;
import dev.kiln.publish.llhls.internal.http.PlayerFiles;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The LL-HLS publisher as a Declarative Services component: serves HTTP playback on the
 * server's HTTP port (media bind address) on the kernel's event loops, packages every output
 * stream of applications that enable {@code llhls}, and offers the kernel the publisher SPI
 * (events, HLS dumps) and a stream listener, both delegating to {@link LlhlsPublisher}. Output
 * streams already live when it starts (a hot deploy) are packaged too. Deactivation closes the
 * port and every packager.
 */
@Component(immediate = true, service = {StreamListener.class, PlaybackPublisher.class},
        property = PlaybackPublisher.PROTOCOL_PROPERTY + "=llhls")
public final class LlhlsComponent implements StreamListener, PlaybackPublisher {
    static final String SERVER_CHANNEL_PROPERTY = "kiln.serverChannel";

    private final LlhlsPublisher publisher;
    private final PlaybackServer server;

    @Activate
    public LlhlsComponent(
            @Reference StreamRegistry registry,
            @Reference ServerSettings settings,
            @Reference(service = EventLoopGroup.class, target = "(kiln.eventloop=worker)")
                    Map.Entry<Map<String, ?>, EventLoopGroup> eventLoops) {
        publisher = new LlhlsPublisher(registry);
        EventLoopGroup group = eventLoops.getValue();
        server = new PlaybackServer(group, serverChannel(eventLoops.getKey()), settings.mediaBindAddress(),
                settings.httpPort(), publisher, new PlayerFiles(LlhlsComponent.class.getClassLoader()));
        try {
            server.start();
        } catch (IOException e) {
            publisher.close();
            throw new UncheckedIOException(e.getMessage(), e);
        }
        // Declarative Services registers this component's services before it is constructed,
        // and the kernel hands events to it once it is: every stream is either listed here or
        // announced afterwards (or both).
        publisher.packageLiveStreams();
    }

    @Override
    public void streamCreated(LiveStream stream) {
        publisher.streamCreated(stream);
    }

    @Override
    public void streamClosed(LiveStream stream) {
        publisher.streamClosed(stream);
    }

    @Override
    public int sendEvent(StreamKey input, PlaybackEvent event) {
        return publisher.sendEvent(input, event);
    }

    @Override
    public void startHlsDump(HlsDumpRequest request) {
        publisher.startHlsDump(request);
    }

    @Override
    public int stopHlsDump(StreamKey output, String id) {
        return publisher.stopHlsDump(output, id);
    }

    @Deactivate
    void deactivate() {
        server.close();
        publisher.close();
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends ServerChannel> serverChannel(Map<String, ?> properties) {
        Object value = properties.get(SERVER_CHANNEL_PROPERTY);
        if (value instanceof Class<?> type && ServerChannel.class.isAssignableFrom(type)) {
            return (Class<? extends ServerChannel>) type;
        }
        throw new IllegalStateException("the kernel's event loop group has no usable "
                + SERVER_CHANNEL_PROPERTY + " property: " + value);
    }
}
