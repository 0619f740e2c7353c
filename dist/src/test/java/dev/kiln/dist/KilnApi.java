package dev.kiln.dist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A small REST client for one Kiln process: Basic auth with its token, JSON in and out. */
public final class KilnApi {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final URI base;
    private final String authorization;

    private KilnApi(URI base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    /** A client that sends {@code Authorization: Basic base64(token)}. */
    static KilnApi withToken(URI base, String token) {
        return new KilnApi(base, KilnProcess.basic(token));
    }

    /** The same server with another Authorization header value, or none when null. */
    public KilnApi withAuthorization(String headerValue) {
        return new KilnApi(base, headerValue);
    }

    public URI uri(String path) {
        return base.resolve(path);
    }

    public Reply get(String path) {
        return send("GET", path, null);
    }

    public Reply delete(String path) {
        return send("DELETE", path, null);
    }

    public Reply post(String path, String json) {
        return send("POST", path, json);
    }

    public Reply patch(String path, String json) {
        return send("PATCH", path, json);
    }

    public Reply send(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(method + " " + path, response.statusCode(),
                    response.headers().firstValue("Content-Type"),
                    response.headers().allValues("WWW-Authenticate"), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " interrupted", e);
        }
    }

    /** One HTTP answer. */
    public record Reply(String request, int status, Optional<String> contentType,
                        List<String> wwwAuthenticate, String body) {

        /** The body as JSON; fails with the raw body when it is not JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new AssertionError(this + " is not JSON: " + e.getOriginalMessage());
            }
        }

        @Override
        public String toString() {
            return request + " -> " + status + " " + contentType.orElse("(no content type)") + " " + body;
        }
    }
}
