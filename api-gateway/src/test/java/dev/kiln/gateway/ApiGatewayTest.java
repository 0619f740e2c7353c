package dev.kiln.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Start, bind failure and stop of the gateway itself. */
class ApiGatewayTest {

    @Test
    void startsOnAnEphemeralPortLogsOnceAndStopsPromptly() {
        final ApiGateway gateway;
        try (LogCapture log = new LogCapture(ApiGateway.class)) {
            gateway = ApiGateway.builder().accessToken("t").start();
            assertThat(gateway.port()).isPositive();
            assertThat(log.at(Level.INFO)).extracting(ILoggingEvent::getFormattedMessage)
                    .containsExactly("API listening on 127.0.0.1:" + gateway.port() + " (gRPC + REST)");
        }
        final long started = System.nanoTime();
        gateway.close();
        // Idle stop costs Armeria's ~2 s acceptor shutdown; allow slack for a loaded machine.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> connect(gateway.port())).isInstanceOf(ConnectException.class);
    }

    @Test
    void bindFailureNamesTheAddress() {
        try (ApiGateway first = ApiGateway.builder().accessToken("t").start()) {
            assertThatThrownBy(() -> ApiGateway.builder().accessToken("t").port(first.port()).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + first.port());
        }
    }

    @Test
    void tokenIsRequired() {
        assertThatThrownBy(() -> ApiGateway.builder().start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("accessToken");
        assertThatThrownBy(() -> ApiGateway.builder().accessToken("").start())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builderRejectsNonsense() {
        assertThatThrownBy(() -> ApiGateway.builder().port(70000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiGateway.builder().maxRequestBytes(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiGateway.builder().addHttpService("api", (ctx, req) -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        }
    }
}
