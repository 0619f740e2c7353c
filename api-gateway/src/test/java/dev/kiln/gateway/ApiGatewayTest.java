package dev.kiln.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.Flags;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.util.TlsEngineType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.kiln.proto.v1.ApplicationServiceGrpc.ApplicationServiceImplBase;
import dev.kiln.proto.v1.OutputProfileServiceGrpc.OutputProfileServiceImplBase;
import dev.kiln.proto.v1.PluginServiceGrpc.PluginServiceImplBase;
import dev.kiln.proto.v1.PushServiceGrpc.PushServiceImplBase;
import dev.kiln.proto.v1.RecordServiceGrpc.RecordServiceImplBase;
import dev.kiln.proto.v1.StatsServiceGrpc.StatsServiceImplBase;
import dev.kiln.proto.v1.StreamServiceGrpc.StreamServiceImplBase;
import dev.kiln.proto.v1.VirtualHostServiceGrpc.VirtualHostServiceImplBase;

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

    /** The generated defaults answer UNIMPLEMENTED, so a 501 naming the method proves the route exists. */
    @Test
    void everyKilnServiceMountsItsRestRoutes() {
        try (ApiGateway gateway = ApiGateway.builder()
                                            .accessToken(GatewayExtension.TOKEN)
                                            .addService(new VirtualHostServiceImplBase() {})
                                            .addService(new ApplicationServiceImplBase() {})
                                            .addService(new OutputProfileServiceImplBase() {})
                                            .addService(new StreamServiceImplBase() {})
                                            .addService(new RecordServiceImplBase() {})
                                            .addService(new PushServiceImplBase() {})
                                            .addService(new StatsServiceImplBase() {})
                                            .addService(new PluginServiceImplBase() {})
                                            .start()) {
            final BlockingWebClient client =
                    WebClient.builder("http://127.0.0.1:" + gateway.port())
                             .addHeader(HttpHeaderNames.AUTHORIZATION,
                                        GatewayExtension.basic(GatewayExtension.TOKEN))
                             .build().blocking();
            final String[][] routes = {
                    {"GET", "/v1/vhosts", "VirtualHostService/ListVirtualHosts"},
                    {"POST", "/v1/vhosts/default:reloadCertificate", "VirtualHostService/ReloadCertificate"},
                    {"PATCH", "/v1/vhosts/default/apps/app", "ApplicationService/PatchApplication"},
                    {"DELETE", "/v1/vhosts/default/apps/app/outputProfiles/p",
                     "OutputProfileService/DeleteOutputProfile"},
                    {"POST", "/v1/vhosts/default/apps/app/streams/s:sendEvent", "StreamService/SendEvent"},
                    {"POST", "/v1/vhosts/default/apps/app:startRecord", "RecordService/StartRecord"},
                    {"POST", "/v1/vhosts/default/apps/app:records", "RecordService/ListRecords"},
                    {"POST", "/v1/vhosts/default/apps/app:stopPush", "PushService/StopPush"},
                    {"GET", "/v1/stats/current/vhosts/default/apps/app/streams/s", "StatsService/GetStreamStats"},
                    {"GET", "/v1/plugins", "PluginService/ListPlugins"}};
            for (String[] route : routes) {
                final AggregatedHttpResponse res = client.execute(
                        RequestHeaders.builder(HttpMethod.valueOf(route[0]), route[1])
                                      .contentType(MediaType.JSON_UTF_8).build(), "{}");
                Json.assertError(res, 501, "[HTTP] Method kiln.v1." + route[2] + " is unimplemented (501)");
            }
        }
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

    @Test
    void armeriaUsesTheJdkTlsEngineSoOpenSslIsNotLoaded() {
        ApiGateway.builder();
        assertThat(System.getProperty(ApiGateway.TLS_ENGINE_PROPERTY)).isEqualTo("jdk");
        assertThat(Flags.tlsEngineType()).isEqualTo(TlsEngineType.JDK);
    }

    @Test
    void aTlsEngineTheUserChoseIsKept() {
        final String engine = System.getProperty(ApiGateway.TLS_ENGINE_PROPERTY);
        final String useOpenSsl = System.getProperty(ApiGateway.USE_OPENSSL_PROPERTY);
        try {
            System.clearProperty(ApiGateway.TLS_ENGINE_PROPERTY);
            System.setProperty(ApiGateway.USE_OPENSSL_PROPERTY, "true");
            ApiGateway.useJdkTlsUnlessChosen();
            assertThat(System.getProperty(ApiGateway.TLS_ENGINE_PROPERTY)).isNull();

            System.clearProperty(ApiGateway.USE_OPENSSL_PROPERTY);
            System.setProperty(ApiGateway.TLS_ENGINE_PROPERTY, "openssl");
            ApiGateway.useJdkTlsUnlessChosen();
            assertThat(System.getProperty(ApiGateway.TLS_ENGINE_PROPERTY)).isEqualTo("openssl");
        } finally {
            restore(ApiGateway.TLS_ENGINE_PROPERTY, engine);
            restore(ApiGateway.USE_OPENSSL_PROPERTY, useOpenSsl);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        }
    }
}
