package dev.kiln.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;

/**
 * Renders a REST error exactly as OME does:
 * {@code {"statusCode":404,"message":"[HTTP] Could not find the application: [default/app1] (404)"}}.
 * A 500 never carries its description: its message is always {@code [HTTP] Internal Server Error (500)}.
 */
final class OmeErrors {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private OmeErrors() {}

    static String message(HttpStatus status, String description) {
        final String text = status.code() == 500 || description == null || description.isBlank()
                            ? status.reasonPhrase() : description;
        return "[HTTP] " + text + " (" + status.code() + ')';
    }

    static AggregatedHttpResponse response(HttpStatus status, String description) {
        return response(ResponseHeaders.builder(status), status, description);
    }

    /** Like {@link #response(HttpStatus, String)}, keeping the extra headers already in {@code headers}. */
    static AggregatedHttpResponse response(ResponseHeadersBuilder headers, HttpStatus status,
                                           String description) {
        final ObjectNode body = MAPPER.createObjectNode();
        body.put("statusCode", status.code());
        body.put("message", message(status, description));
        final byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an error body", e);
        }
        return AggregatedHttpResponse.of(headers.status(status).contentType(MediaType.JSON_UTF_8).build(),
                                         HttpData.wrap(bytes));
    }
}
