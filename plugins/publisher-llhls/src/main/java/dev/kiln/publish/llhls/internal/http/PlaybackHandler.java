package dev.kiln.publish.llhls.internal.http;

import dev.kiln.api.media.StreamKey;
import dev.kiln.api.stream.Viewer;
import dev.kiln.publish.llhls.internal.LlhlsSettings;
import dev.kiln.publish.llhls.internal.packager.Part;
import dev.kiln.publish.llhls.internal.packager.Playlists;
import dev.kiln.publish.llhls.internal.packager.Segment;
import dev.kiln.publish.llhls.internal.packager.StreamPackager;
import dev.kiln.publish.llhls.internal.packager.TrackPackager;
import dev.kiln.publish.llhls.internal.packager.TrackWindow;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers one HTTP/1.1 connection of the playback port: the player page and its files, the
 * list of live streams, and each stream's LL-HLS playlists, init segments, segments and parts.
 * A request for something not there yet (blocking playlist reload, the preload-hinted part)
 * is parked without holding the event loop and answered when the packager adds it.
 */
final class PlaybackHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Pattern CHUNKLIST = Pattern.compile("chunklist_(\\d+)_(video|audio)_llhls\\.m3u8");
    private static final Pattern INIT = Pattern.compile("init_(\\d+)_(video|audio)_llhls\\.m4s");
    private static final Pattern SEGMENT = Pattern.compile("seg_(\\d+)_(\\d+)_(video|audio)_llhls\\.m4s");
    private static final Pattern PART = Pattern.compile("part_(\\d+)_(\\d+)_(\\d+)_(video|audio)_llhls\\.m4s");
    private static final String M3U8 = "application/vnd.apple.mpegurl";

    private final Streams streams;
    private final ViewerSessions viewers;
    private final PlayerFiles files;
    private Parked parked;

    PlaybackHandler(Streams streams, ViewerSessions viewers, PlayerFiles files) {
        this.streams = streams;
        this.viewers = viewers;
        this.files = files;
    }

    /** What a response says, before it is written. */
    private record Reply(HttpResponseStatus status, String contentType, ByteBuf body, String cacheControl) {
        static Reply text(HttpResponseStatus status, String message) {
            return new Reply(status, "text/plain; charset=utf-8",
                    Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8), "no-cache");
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        boolean head = req.method().equals(HttpMethod.HEAD);
        if (!req.decoderResult().isSuccess()) {
            write(ctx, Reply.text(HttpResponseStatus.BAD_REQUEST, "Malformed request"), false, origin,
                    LlhlsSettings.DEFAULTS.crossDomains(), null, false);
            return;
        }
        if (req.method().equals(HttpMethod.OPTIONS)) {
            write(ctx, new Reply(HttpResponseStatus.NO_CONTENT, null, Unpooled.EMPTY_BUFFER, null), keepAlive, origin,
                    LlhlsSettings.DEFAULTS.crossDomains(), null, false);
            return;
        }
        if (!req.method().equals(HttpMethod.GET) && !head) {
            write(ctx, Reply.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "Only GET, HEAD and OPTIONS are served"),
                    keepAlive, origin, LlhlsSettings.DEFAULTS.crossDomains(), null, head);
            return;
        }
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        String path = q.path();
        if (path.equals("/") || path.equals("/index.html")) {
            write(ctx, file("index.html"), keepAlive, origin, LlhlsSettings.DEFAULTS.crossDomains(), null, head);
            return;
        }
        if (path.startsWith("/player/")) {
            write(ctx, file(path.substring("/player/".length())), keepAlive, origin,
                    LlhlsSettings.DEFAULTS.crossDomains(), null, head);
            return;
        }
        if (path.equals("/streams")) {
            write(ctx, new Reply(HttpResponseStatus.OK, "application/json",
                    Unpooled.copiedBuffer(StreamList.json(streams.all()), StandardCharsets.UTF_8), "no-cache"),
                    keepAlive, origin, LlhlsSettings.DEFAULTS.crossDomains(), null, head);
            return;
        }
        String[] p = path.split("/");
        if (p.length != 4 || !p[0].isEmpty()) {
            write(ctx, Reply.text(HttpResponseStatus.NOT_FOUND, "Not found: " + path), keepAlive, origin,
                    LlhlsSettings.DEFAULTS.crossDomains(), null, head);
            return;
        }
        String host = req.headers().get(HttpHeaderNames.HOST, "");
        String vhost = streams.resolveVhost(host.replaceFirst(":\\d+$", ""));
        StreamKey key = new StreamKey(vhost, p[1], p[2]);
        Optional<StreamPackager> found = streams.find(key);
        if (found.isEmpty()) {
            write(ctx, Reply.text(HttpResponseStatus.NOT_FOUND, "No LL-HLS stream " + key), keepAlive, origin,
                    LlhlsSettings.DEFAULTS.crossDomains(), null, head);
            return;
        }
        StreamPackager stream = found.get();
        Viewer viewer = viewers.touch(stream, client(ctx, req));
        serveStream(ctx, stream, p[3], q, new Out(ctx, keepAlive, origin, stream.settings().crossDomains(), viewer,
                head));
    }

    /** Where and how a stream's reply goes. */
    private record Out(ChannelHandlerContext ctx, boolean keepAlive, String origin, List<String> domains,
                       Viewer viewer, boolean head) {}

    private void serveStream(ChannelHandlerContext ctx, StreamPackager stream, String file, QueryStringDecoder q,
                             Out out) {
        LlhlsSettings s = stream.settings();
        long blockMillis = Math.round(3000 * s.segmentDuration());
        if (Playlists.isMultivariant(stream, file)) {
            whenReady(out, stream, () -> stream.isReady() || stream.isEnded(), blockMillis,
                    () -> stream.isReady()
                            ? playlist(Playlists.multivariant(stream, file).orElseThrow())
                            : Reply.text(HttpResponseStatus.NOT_FOUND, "The stream has no playable media yet"),
                    HttpResponseStatus.NOT_FOUND);
            return;
        }
        Matcher m = CHUNKLIST.matcher(file);
        if (m.matches()) {
            Optional<TrackPackager> t = stream.track(Integer.parseInt(m.group(1)));
            if (t.isEmpty()) {
                send(out, Reply.text(HttpResponseStatus.NOT_FOUND, "No such rendition: " + file));
                return;
            }
            mediaPlaylist(out, stream, t.get(), q, blockMillis);
            return;
        }
        m = INIT.matcher(file);
        if (m.matches()) {
            Optional<TrackPackager> t = stream.track(Integer.parseInt(m.group(1)));
            send(out, t.isEmpty() ? Reply.text(HttpResponseStatus.NOT_FOUND, "No such rendition: " + file)
                    : media(t.get().init(), t.get()));
            return;
        }
        m = SEGMENT.matcher(file);
        if (m.matches()) {
            Optional<TrackPackager> t = stream.track(Integer.parseInt(m.group(1)));
            long msn = Long.parseLong(m.group(2));
            if (t.isEmpty()) {
                send(out, Reply.text(HttpResponseStatus.NOT_FOUND, "No such rendition: " + file));
                return;
            }
            TrackPackager track = t.get();
            TrackWindow w = track.window();
            boolean coming = w.open() != null && w.open().msn() == msn;
            if (!coming && w.segment(msn).isEmpty()) {
                send(out, Reply.text(HttpResponseStatus.NOT_FOUND, "No such segment: " + file));
                return;
            }
            whenReady(out, stream, () -> track.window().segment(msn).map(Segment::complete).orElse(false)
                    || stream.isEnded(), blockMillis,
                    () -> track.window().segment(msn).filter(Segment::complete)
                            .map(seg -> segment(seg, track))
                            .orElse(Reply.text(HttpResponseStatus.NOT_FOUND, "No such segment: " + file)),
                    HttpResponseStatus.NOT_FOUND);
            return;
        }
        m = PART.matcher(file);
        if (m.matches()) {
            Optional<TrackPackager> t = stream.track(Integer.parseInt(m.group(1)));
            long msn = Long.parseLong(m.group(2));
            int index = Integer.parseInt(m.group(3));
            if (t.isEmpty()) {
                send(out, Reply.text(HttpResponseStatus.NOT_FOUND, "No such rendition: " + file));
                return;
            }
            TrackPackager track = t.get();
            TrackWindow w = track.window();
            Optional<Part> part = w.part(msn, index);
            if (part.isPresent()) {
                send(out, media(part.get().data(), track));
                return;
            }
            long[] next = w.nextPart();
            boolean hinted = (msn == next[0] && index >= next[1] && index <= next[1] + 1)
                    || (msn == next[0] + 1 && index == 0);
            if (!hinted) {
                send(out, Reply.text(HttpResponseStatus.NOT_FOUND, "No such part: " + file));
                return;
            }
            long partWait = Math.round(3000 * s.segmentDuration());
            whenReady(out, stream, () -> track.window().part(msn, index).isPresent()
                    || segmentPassed(track.window(), msn, index) || stream.isEnded(), partWait,
                    () -> track.window().part(msn, index).map(pt -> media(pt.data(), track))
                            .orElse(Reply.text(HttpResponseStatus.NOT_FOUND, "No such part: " + file)),
                    HttpResponseStatus.NOT_FOUND);
            return;
        }
        send(out, Reply.text(HttpResponseStatus.NOT_FOUND, "Not found: " + file));
    }

    /** The hinted part will not come: its segment was cut before it. */
    private static boolean segmentPassed(TrackWindow w, long msn, int index) {
        return w.segment(msn).map(Segment::complete).orElse(false)
                || (w.open() != null && w.open().msn() > msn);
    }

    private void mediaPlaylist(Out out, StreamPackager stream, TrackPackager track, QueryStringDecoder q,
                               long blockMillis) {
        boolean skip = "YES".equals(param(q, "_HLS_skip")) || "v2".equals(param(q, "_HLS_skip"));
        String msnText = param(q, "_HLS_msn");
        String partText = param(q, "_HLS_part");
        if (msnText == null) {
            if (partText != null) {
                send(out, Reply.text(HttpResponseStatus.BAD_REQUEST, "_HLS_part needs _HLS_msn"));
                return;
            }
            whenReady(out, stream, () -> track.window().hasParts() || stream.isEnded(), blockMillis,
                    () -> playlist(Playlists.mediaBytes(stream, track, skip)), HttpResponseStatus.NOT_FOUND);
            return;
        }
        long msn;
        int part;
        try {
            msn = Long.parseLong(msnText);
            part = partText == null ? -1 : Integer.parseInt(partText);
        } catch (NumberFormatException e) {
            send(out, Reply.text(HttpResponseStatus.BAD_REQUEST, "_HLS_msn and _HLS_part must be whole numbers"));
            return;
        }
        if (msn < 0 || (partText != null && part < 0)) {
            send(out, Reply.text(HttpResponseStatus.BAD_REQUEST, "_HLS_msn and _HLS_part must not be negative"));
            return;
        }
        TrackWindow w = track.window();
        if (msn > Math.max(w.lastMsn(), w.nextPart()[0]) + 2) {
            send(out, Reply.text(HttpResponseStatus.BAD_REQUEST, "_HLS_msn " + msn
                    + " is more than two segments beyond the last one (" + w.lastMsn() + ")"));
            return;
        }
        // RFC 8216bis: no answer within three target durations gets 503.
        long wait = 3000L * Playlists.targetDuration(stream, track);
        whenReady(out, stream, () -> track.window().has(msn, part) || stream.isEnded(), wait,
                () -> playlist(Playlists.mediaBytes(stream, track, skip)), HttpResponseStatus.SERVICE_UNAVAILABLE);
    }

    /** Answers now when {@code ready}, else parks until it is (or the time is up: {@code late}). */
    private void whenReady(Out out, StreamPackager stream, Supplier<Boolean> ready, long waitMillis,
                           Supplier<Reply> reply, HttpResponseStatus late) {
        if (ready.get()) {
            send(out, reply.get());
            return;
        }
        if (parked != null) {
            parked.cancel();
        }
        Parked p = new Parked(out, stream, ready, reply);
        parked = p;
        p.timeout = out.ctx().executor().schedule(() -> {
            if (p.done.compareAndSet(false, true)) {
                stream.unwatch(p);
                parked = null;
                send(out, Reply.text(late, "Not available within " + waitMillis + " ms"));
            }
        }, waitMillis, TimeUnit.MILLISECONDS);
        stream.watch(p);
    }

    /** A request waiting for a part; completed on its channel's event loop. */
    private final class Parked implements StreamPackager.Watcher {
        final Out out;
        final StreamPackager stream;
        final Supplier<Boolean> ready;
        final Supplier<Reply> reply;
        final AtomicBoolean done = new AtomicBoolean();
        io.netty.util.concurrent.ScheduledFuture<?> timeout;

        Parked(Out out, StreamPackager stream, Supplier<Boolean> ready, Supplier<Reply> reply) {
            this.out = out;
            this.stream = stream;
            this.ready = ready;
            this.reply = reply;
        }

        @Override
        public boolean changed(StreamPackager s) {
            if (done.get()) {
                return false;
            }
            if (!ready.get()) {
                return true;
            }
            if (done.compareAndSet(false, true)) {
                out.ctx().executor().execute(() -> {
                    if (timeout != null) {
                        timeout.cancel(false);
                    }
                    if (parked == this) {
                        parked = null;
                    }
                    send(out, reply.get());
                });
            }
            return false;
        }

        void cancel() {
            if (done.compareAndSet(false, true)) {
                stream.unwatch(this);
                if (timeout != null) {
                    timeout.cancel(false);
                }
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (parked != null) {
            parked.cancel();
            parked = null;
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private Reply file(String name) {
        return files.read(name)
                .map(f -> new Reply(HttpResponseStatus.OK, f.contentType(), Unpooled.wrappedBuffer(f.bytes()),
                        "no-cache"))
                .orElse(Reply.text(HttpResponseStatus.NOT_FOUND, "Not found: /player/" + name));
    }

    private static Reply playlist(String text) {
        return playlist(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Reply playlist(byte[] bytes) {
        return new Reply(HttpResponseStatus.OK, M3U8, Unpooled.wrappedBuffer(bytes), "no-cache, no-store");
    }

    private static Reply media(byte[] data, TrackPackager track) {
        return new Reply(HttpResponseStatus.OK, track.format().isVideo() ? "video/mp4" : "audio/mp4",
                Unpooled.wrappedBuffer(data), "max-age=60");
    }

    private static Reply segment(Segment seg, TrackPackager track) {
        byte[][] parts = new byte[seg.parts().size()][];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = seg.parts().get(i).data();
        }
        return new Reply(HttpResponseStatus.OK, track.format().isVideo() ? "video/mp4" : "audio/mp4",
                Unpooled.wrappedBuffer(parts), "max-age=60");
    }

    private static String param(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String client(ChannelHandlerContext ctx, FullHttpRequest req) {
        String ip = ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
        return ip + "|" + req.headers().get(HttpHeaderNames.USER_AGENT, "");
    }

    private void send(Out out, Reply r) {
        write(out.ctx(), r, out.keepAlive(), out.origin(), out.domains(), out.viewer(), out.head());
    }

    private static void write(ChannelHandlerContext ctx, Reply r, boolean keepAlive, String origin,
                              List<String> domains, Viewer viewer, boolean head) {
        int length = r.body().readableBytes();
        ByteBuf body = r.body();
        if (head) {
            body.release();
            body = Unpooled.EMPTY_BUFFER;
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(), body);
        if (r.contentType() != null) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        }
        if (r.cacheControl() != null) {
            res.headers().set(HttpHeaderNames.CACHE_CONTROL, r.cacheControl());
        }
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        Cors.apply(res.headers(), origin, domains);
        if (viewer != null && !head) {
            viewer.sent(length);
        }
        if (!ctx.channel().isActive()) {
            res.release();
            return;
        }
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
