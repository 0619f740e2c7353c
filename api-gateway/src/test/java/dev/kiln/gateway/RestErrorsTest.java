package dev.kiln.gateway;

import static dev.kiln.gateway.Json.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;

/** Answers Armeria produces by itself (routing, body reading) still come out as OME JSON errors. */
class RestErrorsTest {

    @RegisterExtension
    static final GatewayExtension gateway = new GatewayExtension();

    private static String message(AggregatedHttpResponse res, int expectedStatus) {
        assertThat(res.status().code()).as(res.contentUtf8()).isEqualTo(expectedStatus);
        assertThat(res.contentType().is(MediaType.JSON)).isTrue();
        final JsonNode body = Json.tree(res.contentUtf8());
        assertThat(body.get("statusCode").intValue()).isEqualTo(expectedStatus);
        assertThat(body.size()).isEqualTo(2);
        return body.get("message").textValue();
    }

    @Test
    void malformedJsonIs400NamingTheProblem() {
        final String message = message(gateway.send(HttpMethod.POST, "/v1/vhosts", "[{\"name\":\"a\",}]"), 400);
        assertThat(message).startsWith("[HTTP] Invalid request body: Unexpected character ('}'")
                           .contains("at line 1, column 14")
                           .endsWith(" (400)");
    }

    @Test
    void malformedJsonInAStarBodyIs400() {
        final String message = message(gateway.send(HttpMethod.POST, "/v1/vhosts/default/apps/app/streams",
                                                    "{\"name\": }"), 400);
        assertThat(message).startsWith("[HTTP] Invalid request body: Unexpected character ('}'");
    }

    @Test
    void objectWhereAnArrayIsRequiredIs400() {
        final String message = message(gateway.send(HttpMethod.POST, "/v1/vhosts", "{\"name\":\"a\"}"), 400);
        assertThat(message).startsWith("[HTTP] Invalid request body: ").contains("array");
    }

    @Test
    void unknownFieldIs400NamingTheField() {
        final String message = message(gateway.send(HttpMethod.POST, "/v1/vhosts",
                                                    "[{\"name\":\"a\",\"hostt\":{}}]"), 400);
        assertThat(message).startsWith("[HTTP] Invalid request body: ").contains("hostt");
    }

    @Test
    void wrongValueTypeIs400() {
        final String message = message(gateway.send(HttpMethod.POST, "/v1/vhosts/default/apps/app/streams",
                                                    "{\"name\":\"s\",\"properties\":{\"persistent\":\"yes\"}}"),
                                        400);
        assertThat(message).startsWith("[HTTP] Invalid request body: ").contains("yes");
    }

    @Test
    void bodyOfAnotherExplicitContentTypeIs400NamingIt() {
        final AggregatedHttpResponse res = gateway.rest().execute(
                RequestHeaders.builder(HttpMethod.POST, "/v1/vhosts")
                              .contentType(MediaType.parse("application/xml; charset=utf-8")).build(), "[]");
        assertError(res, 400, "[HTTP] Invalid request body: Content-Type application/xml is not supported; " +
                              "send application/json (400)");
    }

    @Test
    void unknownPathIs404() {
        assertError(gateway.get("/v1/nope"), 404, "[HTTP] Could not find the resource: [GET /v1/nope] (404)");
        assertError(gateway.get("/v1/nope?x=1"), 404, "[HTTP] Could not find the resource: [GET /v1/nope] (404)");
    }

    @Test
    void wrongMethodIs405() {
        assertError(gateway.send(HttpMethod.PUT, "/v1/vhosts", "[]"), 405,
                    "[HTTP] Method not allowed: [PUT /v1/vhosts] (405)");
    }

    @Test
    void oversizedBodyIs413() {
        final String big = "[{\"name\":\"" + "x".repeat((int) GatewayExtension.MAX_REQUEST_BYTES) + "\"}]";
        assertError(gateway.send(HttpMethod.POST, "/v1/vhosts", big), 413,
                    "[HTTP] Request body is larger than 1048576 bytes (413)");
    }

    @Test
    void colonInAPathVariableIs404AndNeverReachesTheService() {
        assertError(gateway.get("/v1/vhosts/default/apps/app:bogus"), 404,
                    "[HTTP] Could not find the resource: [GET /v1/vhosts/default/apps/app:bogus] (404)");
        // Armeria decodes %3A before routing, so the encoded form is caught the same way.
        assertError(gateway.get("/v1/vhosts/default/apps/app%3Abogus"), 404,
                    "[HTTP] Could not find the resource: [GET /v1/vhosts/default/apps/app:bogus] (404)");
        assertThat(message(gateway.get("/v1/vhosts/default/apps/app/outputProfiles/p:x"), 404))
                .startsWith("[HTTP] Could not find the resource");
        assertThat(gateway.apps.requested).noneMatch(name -> name.contains(":"));
    }

    @Test
    void colonInsideAVerbRouteVariableIs404() {
        // The verb route matches "{stream}" greedily, so "s:x" would otherwise arrive as a stream name.
        assertThat(message(gateway.send(HttpMethod.POST, "/v1/vhosts/default/apps/app/streams/s:x:stopHlsDump",
                                        "{}"), 404))
                .startsWith("[HTTP] Could not find the resource");
    }

    @Test
    void knownVerbsStillWork() {
        assertThat(gateway.send(HttpMethod.POST, "/v1/vhosts/default/apps/app/streams/s1:stopHlsDump", "{}")
                          .status()).isEqualTo(HttpStatus.OK);
    }
}
