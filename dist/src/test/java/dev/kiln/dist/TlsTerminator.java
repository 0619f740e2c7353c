package dev.kiln.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A TLS front for a plain TCP server, as a CDN's RTMPS ingest is: it accepts TLS on a free
 * port with a certificate for {@code localhost}/127.0.0.1 made at test time with {@code keytool},
 * and relays the decrypted bytes both ways to the target port. {@link #trustStore()} is a
 * PKCS#12 trust store holding that certificate, for the client side to trust it.
 */
final class TlsTerminator implements AutoCloseable {
    private static final char[] PASSWORD = "kiln-test".toCharArray();

    private final ServerSocket server;
    private final Path trustStore;
    private volatile int targetPort;

    private TlsTerminator(ServerSocket server, Path trustStore) {
        this.server = server;
        this.trustStore = trustStore;
        Thread acceptor = new Thread(this::accept, "tls-terminator");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Makes the certificate and trust store in {@code dir} and listens on a free port; connections
     * are relayed once {@link #forwardTo} named the target (refused before).
     */
    static TlsTerminator start(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path keyStore = dir.resolve("server.p12");
        Path cert = dir.resolve("server.crt");
        Path trust = dir.resolve("trust.p12");
        Files.deleteIfExists(keyStore);
        Files.deleteIfExists(cert);
        Files.deleteIfExists(trust);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", new String(PASSWORD)));
        run(List.of(keytool, "-exportcert", "-alias", "server", "-keystore", keyStore.toString(),
                "-storepass", new String(PASSWORD), "-file", cert.toString()));
        run(List.of(keytool, "-importcert", "-noprompt", "-alias", "server", "-file", cert.toString(),
                "-storetype", "PKCS12", "-keystore", trust.toString(), "-storepass", new String(PASSWORD)));

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket socket = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        socket.bind(new InetSocketAddress(0)); // all addresses: 127.0.0.2 reaches it too (a name the certificate lacks)
        return new TlsTerminator(socket, trust);
    }

    /** Where accepted connections go from now on (a loopback TCP port). */
    void forwardTo(int port) {
        targetPort = port;
    }

    int port() {
        return server.getLocalPort();
    }

    Path trustStore() {
        return trustStore;
    }

    /** The JVM options that make a Java client trust the test certificate. */
    List<String> trustOptions() {
        return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-Djavax.net.ssl.trustStorePassword=" + new String(PASSWORD));
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (targetPort == 0) {
                    closeQuietly(client);
                    continue;
                }
                Socket target;
                try {
                    target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException e) {
                    closeQuietly(client);
                    continue;
                }
                pipe(client, target);
                pipe(target, client);
            } catch (IOException e) {
                // closed, or one connection failed: the client sees its connection drop
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tls-terminator-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
