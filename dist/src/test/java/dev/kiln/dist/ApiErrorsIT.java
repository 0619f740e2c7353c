package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.assertJson;
import static dev.kiln.dist.ApiAssertions.batch;
import static dev.kiln.dist.ApiAssertions.error;
import static dev.kiln.dist.ApiAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Requests the API must refuse with an OME-style JSON error, never a 500 or a plain-text page. */
class ApiErrorsIT {
    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("errors"));

    private static final int ONE_MIB = 1024 * 1024;

    private static KilnApi api() {
        return KILN.api();
    }

    /** A valid one-vhost create body padded with spaces to exactly {@code size} bytes. */
    private static String paddedVhostBody(String name, int size) {
        String body = "[{\"name\": \"" + name + "\", \"host\": {\"names\": [\"" + name + ".example.com\"]}}]";
        return body.substring(0, body.length() - 1) + " ".repeat(size - body.length()) + "]";
    }

    @Test
    void aBodyOverOneMibIsRefusedWith413() {
        String body = paddedVhostBody("huge", ONE_MIB + 1024);
        assertThat(body).hasSize(ONE_MIB + 1024);
        error(api().post("/v1/vhosts", body), 413);
        error(api().get("/v1/vhosts/huge"), 404, "[HTTP] Could not find the virtual host: [huge] (404)");
    }

    @Test
    void aBodyJustUnderOneMibIsAccepted() {
        batch(api().post("/v1/vhosts", paddedVhostBody("large", ONE_MIB - 1024)), 200, 200);
        ok(api().delete("/v1/vhosts/large"));
    }

    @Test
    void malformedJsonIsBadRequestNamingTheProblem() {
        assertNamesTruncatedBody(error(api().post("/v1/vhosts", "[{\"name\": \"broken\", \"host\": "), 400));
        error(api().get("/v1/vhosts/broken"), 404, "[HTTP] Could not find the virtual host: [broken] (404)");

        assertNamesTruncatedBody(error(api().patch("/v1/vhosts/default/apps/app", "{\"providers\": {"), 400));
    }

    /** The message says the body is not valid JSON, and why: it ends too early. */
    private static void assertNamesTruncatedBody(String message) {
        assertThat(message.toLowerCase()).as("message names the problem")
                .containsAnyOf("json", "request body")
                .containsAnyOf("end-of-input", "end of input");
    }

    @Test
    void aValueOfTheWrongTypeIsBadRequest() {
        // host.names must be a list of strings, providers an object.
        // The answer may be the envelope or a per-item array; either way a JSON 400.
        KilnApi.Reply vhost = api().post("/v1/vhosts", "[{\"name\": \"typed\", \"host\": {\"names\": 42}}]");
        assertThat(vhost.status()).as("%s", vhost).isEqualTo(400);
        assertJson(vhost);
        KilnApi.Reply app = api().post("/v1/vhosts/default/apps",
                "[{\"name\": \"typed\", \"type\": \"live\", \"providers\": \"rtmp\"}]");
        assertThat(app.status()).as("%s", app).isEqualTo(400);
        assertJson(app);
        error(api().get("/v1/vhosts/typed"), 404, "[HTTP] Could not find the virtual host: [typed] (404)");
        error(api().get("/v1/vhosts/default/apps/typed"), 404,
                "[HTTP] Could not find the application: [default/typed] (404)");
    }

    @Test
    void anUnknownPathIsJson404() {
        error(api().get("/v1/nothing-here"), 404);
        error(api().get("/v1/vhosts/default/apps/app/nothing-here"), 404);
        error(api().post("/v2/vhosts", "[]"), 404);
    }

    @Test
    void anEndpointThatIsNotImplementedYetIsJson501() {
        // Recording is specified but not built yet; when it is, point this at another such endpoint.
        error(api().post("/v1/vhosts/default/apps/app:startRecord",
                "{\"id\": \"rec-1\", \"stream\": {\"name\": \"stream\"}}"), 501);
    }
}
