package dev.kiln.gateway;

import static dev.kiln.gateway.Json.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.linecorp.armeria.common.HttpMethod;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.kiln.proto.v1.ApplicationServiceGrpc.ApplicationServiceBlockingStub;
import dev.kiln.proto.v1.DeleteApplicationRequest;
import dev.kiln.proto.v1.GetApplicationRequest;
import dev.kiln.proto.v1.ReloadAllCertificatesRequest;
import dev.kiln.proto.v1.VirtualHostServiceGrpc.VirtualHostServiceBlockingStub;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Domain exceptions, whether thrown or given to onError, become one gRPC status and one OME REST
 * error; anything else is a generic 500 / INTERNAL, logged once.
 */
class ErrorMappingTest {

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("notfound", Status.Code.NOT_FOUND, 404,
                             "Could not find the application: [default/notfound]"),
                Arguments.of("conflict", Status.Code.ALREADY_EXISTS, 409,
                             "The application already exists: [default/conflict]"),
                Arguments.of("invalid", Status.Code.INVALID_ARGUMENT, 400, "type must be live"),
                Arguments.of("readonly", Status.Code.PERMISSION_DENIED, 403,
                             "The application is read-only: [default/readonly]"),
                Arguments.of("notimpl", Status.Code.UNIMPLEMENTED, 501, "Patching providers is not supported"),
                Arguments.of("upstream", Status.Code.UNAVAILABLE, 502, "Could not connect to rtsp://cam/1"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void thrownDomainExceptionMapsForRestAndGrpc(String name, Status.Code code, int http, String message) {
        assertError(gateway.get("/v1/vhosts/default/apps/" + name), http, "[HTTP] " + message + " (" + http + ')');

        final ApplicationServiceBlockingStub stub = gateway.stub(ApplicationServiceBlockingStub.class);
        assertThatThrownBy(() -> stub.getApplication(
                GetApplicationRequest.newBuilder().setVhost("default").setApp(name).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(code);
                    assertThat(e.getStatus().getDescription()).isEqualTo(message);
                });
    }

    @ParameterizedTest
    @MethodSource("failures")
    void domainExceptionGivenToOnErrorMapsForRestAndGrpc(String name, Status.Code code, int http,
                                                         String message) {
        assertError(gateway.send(HttpMethod.DELETE, "/v1/vhosts/default/apps/" + name, ""), http,
                    "[HTTP] " + message + " (" + http + ')');

        final ApplicationServiceBlockingStub stub = gateway.stub(ApplicationServiceBlockingStub.class);
        assertThatThrownBy(() -> stub.deleteApplication(
                DeleteApplicationRequest.newBuilder().setVhost("default").setApp(name).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(code);
                    assertThat(e.getStatus().getDescription()).isEqualTo(message);
                });
    }

    @Test
    void unexpectedExceptionIsAGeneric500LoggedOnceWithItsStack() {
        try (LogCapture log = new LogCapture(DomainExceptionHandler.class)) {
            assertError(gateway.get("/v1/vhosts/default/apps/boom"), 500, "[HTTP] Internal Server Error (500)");

            assertThat(log.at(Level.ERROR)).singleElement().satisfies(ILoggingEvent::getThrowableProxy)
                    .extracting(e -> e.getThrowableProxy().getMessage()).isEqualTo("secret internal detail");
        }
    }

    @Test
    void unexpectedExceptionGivenToOnErrorIsAGeneric500() {
        assertError(gateway.send(HttpMethod.POST, "/v1/vhosts/boom:reloadCertificate", "{}"), 500,
                    "[HTTP] Internal Server Error (500)");
    }

    @Test
    void unexpectedExceptionIsInternalOverGrpcWithoutItsMessage() {
        final ApplicationServiceBlockingStub stub = gateway.stub(ApplicationServiceBlockingStub.class);
        assertThatThrownBy(() -> stub.getApplication(
                GetApplicationRequest.newBuilder().setVhost("default").setApp("boom").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                    assertThat(e.getStatus().getDescription()).isEqualTo("Internal Server Error");
                });
    }

    @Test
    void generatedUnimplementedDefaultIs501() {
        assertError(gateway.send(HttpMethod.POST, "/v1/vhosts:reloadAllCertificates", "{}"), 501,
                    "[HTTP] Method kiln.v1.VirtualHostService/ReloadAllCertificates is unimplemented (501)");

        final VirtualHostServiceBlockingStub stub = gateway.stub(VirtualHostServiceBlockingStub.class);
        assertThatThrownBy(() -> stub.reloadAllCertificates(ReloadAllCertificatesRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                        .isEqualTo(Status.Code.UNIMPLEMENTED));
    }

    @Test
    void extraHttpServiceErrorsGetTheSameHandling() {
        assertError(gateway.anonymous().get("/api/recording/missing"), 404,
                    "[HTTP] Could not find the recording: [r1] (404)");

        try (LogCapture log = new LogCapture(RestErrorHandler.class)) {
            assertError(gateway.anonymous().get("/api/recording/crash"), 500, "[HTTP] Internal Server Error (500)");
            assertThat(log.at(Level.ERROR)).hasSize(1);
        }
    }
}
