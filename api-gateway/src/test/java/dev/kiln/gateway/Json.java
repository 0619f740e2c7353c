package dev.kiln.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.MediaType;

/** JSON helpers for tests: compare documents as trees, not as strings. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts the status, a JSON content type and a body equal (as a tree) to {@code expectedJson}. */
    static void assertAnswer(AggregatedHttpResponse res, int status, String expectedJson) {
        assertThat(res.status().code()).as(res.contentUtf8()).isEqualTo(status);
        assertThat(res.contentType()).isNotNull();
        assertThat(res.contentType().is(MediaType.JSON)).as("content type %s", res.contentType()).isTrue();
        assertThat(tree(res.contentUtf8())).isEqualTo(tree(expectedJson));
    }

    /** Asserts an OME error answer: {@code {"statusCode":status,"message":message}}. */
    static void assertError(AggregatedHttpResponse res, int status, String message) {
        final String body = MAPPER.createObjectNode().put("statusCode", status).put("message", message).toString();
        assertAnswer(res, status, body);
    }
}
