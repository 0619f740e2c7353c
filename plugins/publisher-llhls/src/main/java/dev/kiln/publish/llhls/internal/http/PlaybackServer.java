package dev.kiln.publish.llhls.internal.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 playback listener on the kernel's shared event loops. Connections idle for a
 * minute are closed; LL-HLS viewers are swept every few seconds.
 */
public final class PlaybackServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlaybackServer.class);
    private static final long VIEWER_IDLE_MS = 15_000;

    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> channelType;
    private final String bindAddress;
    private final int port;
    private final Streams streams;
    private final ViewerSessions viewers = new ViewerSessions(VIEWER_IDLE_MS);
    private final PlayerFiles files;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel channel;
    private ScheduledFuture<?> sweeper;

    public PlaybackServer(EventLoopGroup group, Class<? extends ServerChannel> channelType, String bindAddress,
                          int port, Streams streams, PlayerFiles files) {
        this.group = group;
        this.channelType = channelType;
        this.bindAddress = bindAddress;
        this.port = port;
        this.streams = streams;
        this.files = files;
    }

    public void start() throws IOException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group, group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, 60, TimeUnit.SECONDS) {
                            @Override
                            protected void channelIdle(io.netty.channel.ChannelHandlerContext ctx,
                                                       io.netty.handler.timeout.IdleStateEvent evt) {
                                ctx.close();
                            }
                        });
                        ch.pipeline().addLast(new HttpServerCodec(4096, 16 * 1024, 8192));
                        connections.add(ch);
                        ch.pipeline().addLast(new HttpObjectAggregator(64 * 1024));
                        ch.pipeline().addLast(new PlaybackHandler(streams, viewers, files));
                    }
                });
        try {
            channel = b.bind(new InetSocketAddress(bindAddress, port)).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding the playback port " + port, e);
        } catch (Exception e) {
            throw new IOException("cannot listen for HTTP playback on " + bindAddress + ":" + port + ": " + e, e);
        }
        sweeper = group.next().scheduleAtFixedRate(viewers::sweep, 2, 2, TimeUnit.SECONDS);
        log.info("LL-HLS playback listening on {}", channel.localAddress());
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public ViewerSessions viewers() {
        return viewers;
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        viewers.closeAll();
    }
}
