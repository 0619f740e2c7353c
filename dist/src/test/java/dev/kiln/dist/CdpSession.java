package dev.kiln.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Chrome DevTools Protocol connection to a page target, over the JDK's WebSocket client:
 * commands are JSON messages with an id, answered by a message with the same id; everything
 * else is an event. Console output, uncaught exceptions and log entries of the page are kept
 * (see {@link #pageLog()}) for failure messages.
 */
final class CdpSession implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(15);
    private static final int PAGE_LOG_LIMIT = 200;

    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> pageLog = new CopyOnWriteArrayList<>();
    private volatile Throwable closedBy;

    private CdpSession(WebSocket.Builder builder, URI url) {
        try {
            this.socket = builder.buildAsync(url, new Listener()).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + url, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot open the DevTools WebSocket " + url, e);
        }
    }

    /** Connects to a page target's {@code webSocketDebuggerUrl} and turns on the page's log events. */
    static CdpSession connect(URI webSocketDebuggerUrl) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5));
        CdpSession session = new CdpSession(builder, webSocketDebuggerUrl);
        session.send("Runtime.enable", Map.of());
        session.send("Log.enable", Map.of());
        session.send("Page.enable", Map.of());
        return session;
    }

    /** Sends one command and returns its {@code result}; fails on a protocol error or after 15 s. */
    JsonNode send(String method, Map<String, ?> params) {
        Throwable closed = closedBy;
        if (closed != null) {
            throw new IllegalStateException("the DevTools connection is closed: " + closed.getMessage(), closed);
        }
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        message.set("params", JSON.valueToTree(params));
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            socket.sendText(JSON.writeValueAsString(message), true).get(COMMAND_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            JsonNode reply = answer.get(COMMAND_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + " failed: " + reply.get("error"));
            }
            return reply.path("result");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + method, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(method + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer to " + method + " within " + COMMAND_LIMIT.toSeconds() + " s");
        } finally {
            pending.remove(id);
        }
    }

    void navigate(String url) {
        JsonNode result = send("Page.navigate", Map.of("url", url));
        if (result.hasNonNull("errorText")) {
            throw new IllegalStateException("cannot open " + url + ": " + result.get("errorText").asText());
        }
    }

    /**
     * Evaluates a JavaScript expression in the page and returns its value as JSON (a missing
     * or undefined value is a {@code MissingNode}); a thrown exception fails with its text.
     */
    JsonNode evaluate(String expression) {
        JsonNode result = send("Runtime.evaluate", Map.of(
                "expression", expression,
                "returnByValue", true,
                "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            JsonNode details = result.get("exceptionDetails");
            throw new IllegalStateException("`" + expression + "` threw: "
                    + details.path("exception").path("description").asText(details.path("text").asText()));
        }
        return result.path("result").path("value");
    }

    /** The page's console messages, uncaught exceptions and log entries so far (the last 200). */
    List<String> pageLog() {
        return List.copyOf(pageLog);
    }

    @Override
    public void close() {
        if (closedBy == null) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(2, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
            socket.abort();
        }
    }

    private void onMessage(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            keep("unreadable DevTools message: " + text);
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.get(message.get("id").asInt());
            if (answer != null) {
                answer.complete(message);
            }
            return;
        }
        JsonNode params = message.path("params");
        switch (message.path("method").asText()) {
            case "Runtime.consoleAPICalled" -> {
                StringBuilder line = new StringBuilder("console.").append(params.path("type").asText()).append(':');
                for (JsonNode arg : params.path("args")) {
                    line.append(' ').append(arg.has("value") ? arg.get("value").asText() : arg.path("description").asText());
                }
                keep(line.toString());
            }
            case "Runtime.exceptionThrown" -> {
                JsonNode details = params.path("exceptionDetails");
                keep("uncaught: " + details.path("exception").path("description").asText(details.path("text").asText()));
            }
            case "Log.entryAdded" -> {
                JsonNode entry = params.path("entry");
                keep("log." + entry.path("level").asText() + ": " + entry.path("text").asText()
                        + (entry.hasNonNull("url") ? " (" + entry.get("url").asText() + ")" : ""));
            }
            default -> {
                // other events are not needed
            }
        }
    }

    private void keep(String line) {
        pageLog.add(line);
        while (pageLog.size() > PAGE_LOG_LIMIT) {
            pageLog.remove(0);
        }
    }

    private void failAll(Throwable cause) {
        closedBy = cause;
        pending.values().forEach(answer -> answer.completeExceptionally(cause));
    }

    /** Joins the fragments of each text message; replies and events go to {@link #onMessage}. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onMessage(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            failAll(new IllegalStateException("DevTools closed the connection (" + statusCode + " " + reason + ")"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failAll(error);
        }
    }
}
