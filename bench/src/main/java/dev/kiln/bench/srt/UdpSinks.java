package dev.kiln.bench.srt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/** Loopback UDP ports that count what arrives on each (bytes), read by one selector thread. */
final class UdpSinks implements AutoCloseable {
    private final Selector selector = Selector.open();
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    final AtomicLongArray bytes;

    UdpSinks(int n) throws IOException {
        bytes = new AtomicLongArray(n);
        for (int i = 0; i < n; i++) {
            DatagramChannel c = DatagramChannel.open();
            c.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            c.configureBlocking(false);
            c.register(selector, SelectionKey.OP_READ, i);
            channels.add(c);
        }
        thread = new Thread(this::run, "srt-udp-sinks");
        thread.setDaemon(true);
        thread.start();
    }

    int port(int i) throws IOException {
        return ((InetSocketAddress) channels.get(i).getLocalAddress()).getPort();
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        try {
            while (running) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    int i = (Integer) key.attachment();
                    DatagramChannel c = (DatagramChannel) key.channel();
                    while (true) {
                        buf.clear();
                        if (c.receive(buf) == null) {
                            break;
                        }
                        bytes.addAndGet(i, buf.position());
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            if (running) {
                System.err.println("[srt-bench] sinks stopped: " + e);
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(2000);
        for (DatagramChannel c : channels) {
            c.close();
        }
        selector.close();
    }
}
