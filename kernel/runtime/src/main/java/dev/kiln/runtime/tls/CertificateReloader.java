package dev.kiln.runtime.tls;

import dev.kiln.proto.v1.Tls;
import dev.kiln.proto.v1.VirtualHost;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads each virtual host's PEM certificate, chain and key, and keeps the last good set. A
 * reload that fails leaves the previous certificate in use and reports why.
 */
public final class CertificateReloader {
    private static final Logger log = LoggerFactory.getLogger(CertificateReloader.class);

    /** A loaded certificate chain (leaf first) with the key file it pairs with. */
    public record LoadedCertificate(List<X509Certificate> chain, Path keyPath) {}

    private final Map<String, LoadedCertificate> loaded = new ConcurrentHashMap<>();

    /**
     * Reloads the certificate of one virtual host. Does nothing for a host without TLS.
     *
     * @throws IllegalStateException naming the file and the reason, when loading fails
     */
    public void reload(VirtualHost vhost) {
        if (!vhost.hasHost() || !vhost.getHost().hasTls()) {
            return;
        }
        Tls tls = vhost.getHost().getTls();
        try {
            List<X509Certificate> chain = new ArrayList<>(readCertificates(Path.of(tls.getCertPath())));
            if (!tls.getChainCertPath().isBlank()) {
                chain.addAll(readCertificates(Path.of(tls.getChainCertPath())));
            }
            Path key = Path.of(tls.getKeyPath());
            String pem = Files.readString(key, StandardCharsets.US_ASCII);
            if (!pem.contains("PRIVATE KEY-----")) {
                throw new IllegalStateException(key + " holds no PEM private key");
            }
            loaded.put(vhost.getName(), new LoadedCertificate(List.copyOf(chain), key));
            log.info("Certificate of virtual host [{}] loaded: {} (valid until {})", vhost.getName(),
                    chain.get(0).getSubjectX500Principal().getName(), chain.get(0).getNotAfter().toInstant());
        } catch (IOException | CertificateException | RuntimeException e) {
            String reason = "Failed to reload the certificate of virtual host [" + vhost.getName()
                    + "], keeping the previous one: " + e.getMessage();
            log.error(reason);
            throw new IllegalStateException(reason, e);
        }
    }

    /** The last certificate loaded for a virtual host, or null. */
    public LoadedCertificate certificate(String vhost) {
        return loaded.get(vhost);
    }

    private static List<X509Certificate> readCertificates(Path file) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new CertificateException(file + " holds no certificate");
            }
            return out;
        }
    }
}
