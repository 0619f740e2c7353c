package dev.kiln.push.internal.target;

import dev.kiln.api.media.MediaPacket;
import java.util.concurrent.CompletableFuture;

/**
 * One connection to a push target, for one attempt: a target that failed or was closed is not
 * reused; the push task makes a new one for its next attempt.
 *
 * <p>Threading: the push task calls {@link #open()}, {@link #send} and {@link #close()} from its
 * own serial executor, one call at a time, never from a Netty event loop. None of them may block
 * for long: connecting, handshakes and network writes happen asynchronously (on the target's
 * event loop or its own thread), so a target that never answers cannot stall the task, other
 * pushes or the API.
 */
public interface PushTarget extends AutoCloseable {

    /**
     * Starts connecting. The future completes when the target accepts media (RTMP: the server
     * answered {@code NetStream.Publish.Start}; SRT: the caller connected; UDP: the socket is
     * open), or completes exceptionally with an exception whose message says why, in words fit
     * for the push's {@code message} field (e.g. "connection refused by 127.0.0.1:1935").
     */
    CompletableFuture<Void> open();

    /**
     * Sends one packet of a track of the spec. The caller keeps its own reference and releases
     * it after the call; a target that holds the payload past the call retains it. When the
     * connection is backed up the target drops packets up to the next keyframe rather than block
     * or buffer without bound.
     */
    void send(MediaPacket packet);

    /** Bytes written to the network so far on this connection (protocol overhead included). */
    long sentBytes();

    /**
     * Completes normally after {@link #close()}, exceptionally when the connection fails after
     * {@link #open()} succeeded (the target went away, a write failed), with the reason.
     */
    CompletableFuture<Void> closed();

    /** Closes the connection (RTMP: FCUnpublish/deleteStream first where the connection is up). Idempotent. */
    @Override
    void close();
}
