package dev.kiln.gateway;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/** Turns the reason a REST request body could not be read into the text an API user sees. */
final class RequestBodyErrors {

    private RequestBodyErrors() {}

    /** {@code Invalid request body: <what is wrong>}, naming the JSON problem and where it is. */
    static String describe(Throwable cause) {
        return "Invalid request body: " + detail(cause);
    }

    private static String detail(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException) {
                return jsonDetail((JsonProcessingException) t);
            }
        }
        final String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }

    private static String jsonDetail(JsonProcessingException e) {
        final String message = e.getOriginalMessage();
        final JsonLocation location = e.getLocation();
        if (location == null || location.getLineNr() < 1) {
            return message;
        }
        return message + " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
