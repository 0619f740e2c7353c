package dev.kiln.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.linecorp.armeria.common.HttpStatus;

import io.grpc.Status.Code;

class StatusMappingTest {

    @Test
    void everyGrpcCodeHasOneHttpStatus() {
        final Map<Code, Integer> expected = Map.ofEntries(
                Map.entry(Code.OK, 200),
                Map.entry(Code.NOT_FOUND, 404),
                Map.entry(Code.ALREADY_EXISTS, 409),
                Map.entry(Code.INVALID_ARGUMENT, 400),
                Map.entry(Code.FAILED_PRECONDITION, 400),
                Map.entry(Code.OUT_OF_RANGE, 400),
                Map.entry(Code.PERMISSION_DENIED, 403),
                Map.entry(Code.UNAUTHENTICATED, 401),
                Map.entry(Code.RESOURCE_EXHAUSTED, 413),
                Map.entry(Code.UNIMPLEMENTED, 501),
                Map.entry(Code.UNAVAILABLE, 502),
                Map.entry(Code.DEADLINE_EXCEEDED, 504),
                Map.entry(Code.CANCELLED, 500),
                Map.entry(Code.UNKNOWN, 500),
                Map.entry(Code.ABORTED, 500),
                Map.entry(Code.INTERNAL, 500),
                Map.entry(Code.DATA_LOSS, 500));
        assertThat(expected).hasSize(Code.values().length);
        expected.forEach((code, http) -> assertThat(StatusMapping.httpStatus(code).code())
                .as(code.name()).isEqualTo(http));
    }

    @Test
    void omeMessageQuotesTheDescriptionExceptFor500() {
        assertThat(OmeErrors.message(HttpStatus.NOT_FOUND, "Could not find the application: [default/app1]"))
                .isEqualTo("[HTTP] Could not find the application: [default/app1] (404)");
        assertThat(OmeErrors.message(HttpStatus.INTERNAL_SERVER_ERROR, "NullPointerException at Foo.java:12"))
                .isEqualTo("[HTTP] Internal Server Error (500)");
        assertThat(OmeErrors.message(HttpStatus.BAD_GATEWAY, null)).isEqualTo("[HTTP] Bad Gateway (502)");
    }
}
