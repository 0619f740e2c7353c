package dev.kiln.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on loopback between a publisher and Kiln, for tests: counts the bytes the
 * publisher sends (what Kiln reads from its socket), notes when the first connection came,
 * and can {@link #freeze()} — stop forwarding while keeping both connections open — to make a
 * publisher that vanished without closing its connection.
 */
final class TcpRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final AtomicLong bytesToServer = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch frozen = new CountDownLatch(1);
    private volatile boolean isFrozen;
    private volatile long firstConnectNanos;

    /** Relays connections on a free loopback port to {@code 127.0.0.1:targetPort}. */
    TcpRelay(int targetPort) {
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        daemon("relay-accept", this::acceptLoop).start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Bytes relayed from publishers to the server so far. */
    long bytesToServer() {
        return bytesToServer.get();
    }

    /** {@link System#nanoTime()} when the first publisher connected, or 0. */
    long firstConnectNanos() {
        return firstConnectNanos;
    }

    /** Stops relaying in both directions; the connections stay open until {@link #close()}. */
    void freeze() {
        isFrozen = true;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (firstConnectNanos == 0) {
                    firstConnectNanos = System.nanoTime();
                }
                Socket server = new Socket();
                server.connect(target, 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                daemon("relay-up", () -> pump(client, server, bytesToServer)).start();
                daemon("relay-down", () -> pump(server, client, new AtomicLong())).start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong counter) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (isFrozen) {
                    frozen.await(); // until close(): the data read now is dropped
                    return;
                }
                out.write(buffer, 0, n);
                counter.addAndGet(n);
            }
        } catch (IOException e) {
            // one side closed: close the other below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    @Override
    public void close() {
        frozen.countDown();
        closeQuietly(listener);
        sockets.forEach(TcpRelay::closeQuietly);
    }

    private static Thread daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
