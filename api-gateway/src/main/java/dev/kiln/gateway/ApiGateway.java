package dev.kiln.gateway;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.linecorp.armeria.common.util.Exceptions;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.docs.DocService;
import com.linecorp.armeria.server.grpc.GrpcService;

import io.grpc.BindableService;

/**
 * The control API on one port: the gRPC services given to it, the same services as OME-compatible
 * REST through HTTP/JSON transcoding, gRPC server reflection and health, and the API docs at
 * {@code /docs}. It owns transport, the OME envelope, error mapping and authentication; every rule
 * lives in the services.
 */
public final class ApiGateway implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ApiGateway.class);

    static final String HEALTH_PATH_PREFIX = "/grpc.health.v1.Health/";
    static final long DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    /** On close(), how long no request must arrive before the server stops. */
    private static final Duration QUIET_PERIOD = Duration.ofMillis(100);
    /** How long requests in flight may take to finish once close() is called. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(1);
    private static final int BLOCKING_THREADS = 8;

    /** Armeria's TLS engine choice; {@code jdk} keeps it from loading OpenSSL (BoringSSL) at start. */
    static final String TLS_ENGINE_PROPERTY = "com.linecorp.armeria.tlsEngineType";
    /** The older, deprecated spelling of the same choice; a user who set it is obeyed too. */
    static final String USE_OPENSSL_PROPERTY = "com.linecorp.armeria.useOpenSsl";

    static {
        useJdkTlsUnlessChosen();
    }

    private final Server server;
    private final String host;
    private final int port;

    private ApiGateway(Server server, String host) {
        this.server = server;
        this.host = host;
        port = server.activeLocalPort();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The API serves no TLS, yet Armeria picks its TLS engine when the first server is built, and its
     * default (OpenSSL) loads the BoringSSL native library: a few hundred milliseconds of every start.
     * Choosing the JDK engine skips that. Armeria reads the choice once per JVM, lazily, so it is set
     * here, when this class initializes, before any server is built; a choice the user made with
     * either property is kept.
     */
    static void useJdkTlsUnlessChosen() {
        if (System.getProperty(TLS_ENGINE_PROPERTY) == null && System.getProperty(USE_OPENSSL_PROPERTY) == null) {
            System.setProperty(TLS_ENGINE_PROPERTY, "jdk");
        }
    }

    /** The bound port. */
    public int port() {
        return port;
    }

    /**
     * Stops taking requests and lets those in flight finish (for up to one second). Takes about
     * two seconds even when idle: Armeria 1.36 stops its acceptor thread with Netty's default 2 s
     * quiet period, and ignores the shutdown settings of a custom {@code bossGroupFactory}.
     */
    @Override
    public void close() {
        server.stop().join();
        logger.info("API on {}:{} stopped", host, port);
    }

    /** Configures and starts an {@link ApiGateway}. */
    public static final class Builder {
        private String bindAddress = "127.0.0.1";
        private int port;
        private String accessToken;
        private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private final List<BindableService> services = new ArrayList<>();
        private final Map<String, HttpService> httpServices = new LinkedHashMap<>();

        private Builder() {}

        /** Address to bind; default {@code 127.0.0.1}. */
        public Builder bindAddress(String host) {
            this.bindAddress = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port to bind; 0 picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** The token every API call must present; required. */
        public Builder accessToken(String token) {
            this.accessToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /** Largest request body accepted; default 1 MiB. */
        public Builder maxRequestBytes(long n) {
            if (n <= 0) {
                throw new IllegalArgumentException("maxRequestBytes must be positive: " + n);
            }
            this.maxRequestBytes = n;
            return this;
        }

        /** A gRPC service, also served as REST through its {@code google.api.http} rules. */
        public Builder addService(BindableService s) {
            services.add(Objects.requireNonNull(s, "service"));
            return this;
        }

        /**
         * An extra non-gRPC service under {@code pathPrefix}, behind the same error handling.
         * It does its own authentication.
         */
        public Builder addHttpService(String pathPrefix, HttpService s) {
            Objects.requireNonNull(pathPrefix, "pathPrefix");
            if (!pathPrefix.startsWith("/")) {
                throw new IllegalArgumentException("pathPrefix must start with '/': " + pathPrefix);
            }
            httpServices.put(pathPrefix, Objects.requireNonNull(s, "service"));
            return this;
        }

        /**
         * Binds and returns once listening.
         *
         * @throws IllegalStateException naming host:port when the address cannot be bound
         */
        public ApiGateway start() {
            if (accessToken == null) {
                throw new IllegalStateException("accessToken is required");
            }
            final AccessToken token = new AccessToken(accessToken);
            final GrpcService grpc = GrpcServices.build(services);

            final List<String> authExempt = new ArrayList<>();
            authExempt.add(HEALTH_PATH_PREFIX);
            final ServerBuilder sb = Server.builder()
                                           .http(new InetSocketAddress(bindAddress, port))
                                           .maxRequestLength(maxRequestBytes)
                                           .blockingTaskExecutor(BLOCKING_THREADS)
                                           .errorHandler(new RestErrorHandler())
                                           .accessLogWriter(new DebugAccessLog(), true)
                                           .unloggedExceptionsReportInterval(Duration.ZERO)
                                           .gracefulShutdownTimeout(QUIET_PERIOD, STOP_TIMEOUT)
                                           .service(grpc, LenientContentTypeService.newDecorator(),
                                                    OmeEnvelopeService.newDecorator(),
                                                    PathVariableGuard.newDecorator())
                                           .serviceUnder("/docs", DocService.builder().build());
            httpServices.forEach((prefix, service) -> {
                sb.serviceUnder(prefix, service);
                authExempt.add(prefix);
            });
            sb.decorator(BasicAuthService.newDecorator(token, authExempt));

            final Server server = sb.build();
            try {
                server.start().join();
            } catch (CompletionException e) {
                final Throwable cause = Exceptions.peel(e);
                throw new IllegalStateException("Could not bind the API to " + bindAddress + ':' + port + ": " +
                                                (cause.getMessage() != null ? cause.getMessage() : cause),
                                                cause);
            }
            final ApiGateway gateway = new ApiGateway(server, bindAddress);
            logger.info("API listening on {}:{} (gRPC + REST)", bindAddress, gateway.port());
            return gateway;
        }
    }
}
