package dev.kiln.bench.srt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lossy UDP path between SRT callers and a server: one loopback port per stream, forwarded
 * from a socket of its own (so each caller keeps a distinct source port at the server). Data
 * packets from caller to server are dropped at random with the given probability, retransmitted
 * ones included; control packets (handshake, ACK, NAK, shutdown) and everything the server sends
 * back pass untouched. Counts, per stream, the caller's original data packets and their payload
 * bytes (what the publisher sent), retransmissions and drops. One selector thread.
 */
final class LossyRelay implements AutoCloseable {
    private static final int SRT_HEADER = 16;

    private final Selector selector;
    private final List<Path> paths = new ArrayList<>();
    private final double loss;
    private final SplittableRandom random;
    private final Thread thread;
    private volatile boolean running = true;

    final AtomicLongArray originals;
    final AtomicLongArray originalBytes;
    final AtomicLongArray retransmitted;
    final AtomicLongArray dropped;

    private static final class Path {
        final int index;
        final DatagramChannel front;
        final DatagramChannel back;
        SocketAddress caller;

        Path(int index, DatagramChannel front, DatagramChannel back) {
            this.index = index;
            this.front = front;
            this.back = back;
        }
    }

    /** One path per target: stream {@code i}'s callers send to {@link #port(int) port(i)}, which forwards to {@code targets.get(i)}. */
    LossyRelay(List<InetSocketAddress> targets, double loss, long seed) throws IOException {
        this.loss = loss;
        this.random = new SplittableRandom(seed);
        this.selector = Selector.open();
        int n = targets.size();
        originals = new AtomicLongArray(n);
        originalBytes = new AtomicLongArray(n);
        retransmitted = new AtomicLongArray(n);
        dropped = new AtomicLongArray(n);
        for (int i = 0; i < n; i++) {
            DatagramChannel front = open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            DatagramChannel back = open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            back.connect(targets.get(i));
            Path p = new Path(i, front, back);
            front.register(selector, SelectionKey.OP_READ, p);
            back.register(selector, SelectionKey.OP_READ, p);
            paths.add(p);
        }
        thread = new Thread(this::run, "srt-lossy-relay");
        thread.setDaemon(true);
        thread.start();
    }

    private static DatagramChannel open() throws IOException {
        DatagramChannel c = DatagramChannel.open();
        c.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        c.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        c.configureBlocking(false);
        return c;
    }

    /** The loopback port the callers of stream {@code i} send to. */
    int port(int i) throws IOException {
        return ((InetSocketAddress) paths.get(i).front.getLocalAddress()).getPort();
    }

    int size() {
        return paths.size();
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        try {
            while (running) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Path p = (Path) key.attachment();
                    if (key.channel() == p.front) {
                        fromCaller(p, buf);
                    } else {
                        fromServer(p, buf);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            if (running) {
                System.err.println("[srt-bench] relay stopped: " + e);
            }
        }
    }

    private void fromCaller(Path p, ByteBuffer buf) throws IOException {
        while (true) {
            buf.clear();
            SocketAddress from = p.front.receive(buf);
            if (from == null) {
                return;
            }
            p.caller = from;
            buf.flip();
            int len = buf.remaining();
            if (len >= SRT_HEADER && (buf.get(0) & 0x80) == 0) {
                if ((buf.get(4) & 0x04) != 0) { // R flag: a retransmission
                    retransmitted.incrementAndGet(p.index);
                } else {
                    originals.incrementAndGet(p.index);
                    originalBytes.addAndGet(p.index, len - SRT_HEADER);
                }
                if (random.nextDouble() < loss) {
                    dropped.incrementAndGet(p.index);
                    continue;
                }
            }
            try {
                p.back.write(buf);
            } catch (IOException refused) {
                // the server's port is not (yet, or no longer) open: a lost datagram
            }
        }
    }

    private void fromServer(Path p, ByteBuffer buf) throws IOException {
        while (true) {
            buf.clear();
            int n;
            try {
                n = p.back.read(buf);
            } catch (IOException refused) {
                continue; // an ICMP error from an earlier write; read on
            }
            if (n <= 0) {
                return;
            }
            buf.flip();
            if (p.caller != null) {
                p.front.send(buf, p.caller);
            }
        }
    }

    static long sum(AtomicLongArray a) {
        long s = 0;
        for (int i = 0; i < a.length(); i++) {
            s += a.get(i);
        }
        return s;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(2000);
        for (Path p : paths) {
            p.front.close();
            p.back.close();
        }
        selector.close();
    }
}
