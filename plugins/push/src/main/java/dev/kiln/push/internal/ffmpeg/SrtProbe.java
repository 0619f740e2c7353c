package dev.kiln.push.internal.ffmpeg;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Checks that an SRT listener answers before FFmpeg's libsrt is asked to connect: sends SRT
 * induction handshakes (the first, stateless step of a caller's handshake) from a plain UDP
 * socket until the peer answers, refuses (ICMP port unreachable) or the time is up.
 *
 * <p>Why: inside one process, a libsrt caller whose connect times out has been seen to break
 * the other SRT connections of the process at that moment ("All sockets removed from epoll").
 * With this check, libsrt only connects to peers that answer, so a dead target fails here,
 * on its own thread, and touches no other push.
 */
final class SrtProbe {
    private static final int HANDSHAKE_SIZE = 64;
    private static final int RESEND_MS = 250;

    private SrtProbe() {
    }

    /**
     * Returns when {@code host:port} answered an induction handshake.
     *
     * @throws MuxException when it refuses, does not answer within {@code timeoutMs}, or
     *                      {@code cancelled} turns true
     */
    static void await(String host, int port, long timeoutMs, BooleanSupplier cancelled) {
        InetSocketAddress target = new InetSocketAddress(host, port);
        if (target.isUnresolved()) {
            throw new MuxException("cannot resolve " + host);
        }
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(target);
            socket.setSoTimeout(RESEND_MS);
            byte[] request = induction();
            byte[] reply = new byte[1500];
            while (!cancelled.getAsBoolean()) {
                socket.send(new DatagramPacket(request, request.length));
                try {
                    DatagramPacket in = new DatagramPacket(reply, reply.length);
                    socket.receive(in);
                    if (in.getLength() >= 16 && (reply[0] & 0x80) != 0) {
                        return; // a control packet: an SRT peer is there
                    }
                } catch (SocketTimeoutException e) {
                    // resend
                } catch (PortUnreachableException e) {
                    throw new MuxException("connection refused by " + host + ":" + port + " (nothing listens there)");
                }
                if (System.nanoTime() > deadline) {
                    throw new MuxException("no answer from " + host + ":" + port + " within " + timeoutMs + " ms");
                }
            }
            throw new MuxException("closed while connecting");
        } catch (IOException e) {
            throw new MuxException("cannot reach " + host + ":" + port + ": " + e.getMessage());
        }
    }

    /** A caller's induction handshake (version 4, UDT_DGRAM, request type 1). */
    private static byte[] induction() {
        ByteBuffer b = ByteBuffer.allocate(HANDSHAKE_SIZE);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        b.putInt(0x80000000);                       // control packet, type 0 = handshake
        b.putInt(0);                                // type-specific information
        b.putInt(0);                                // timestamp
        b.putInt(0);                                // destination socket id: none yet
        b.putInt(4);                                // handshake version
        b.putInt(2);                                // encryption 0, extension field UDT_DGRAM
        b.putInt(random.nextInt(1, 0x7FFFFFFF));    // initial sequence number
        b.putInt(1500);                             // MTU
        b.putInt(8192);                             // flow window
        b.putInt(1);                                // request type: induction
        b.putInt(random.nextInt(1, 0x3FFFFFFF));    // our socket id
        b.putInt(0);                                // SYN cookie
        b.put(new byte[] {127, 0, 0, 1});           // peer address (not checked at induction)
        return b.array();
    }
}
