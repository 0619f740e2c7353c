package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.assertDocumentedDefaults;
import static dev.kiln.dist.ApiAssertions.batch;
import static dev.kiln.dist.ApiAssertions.error;
import static dev.kiln.dist.ApiAssertions.fieldNames;
import static dev.kiln.dist.ApiAssertions.names;
import static dev.kiln.dist.ApiAssertions.ok;
import static dev.kiln.dist.ApiAssertions.profileNames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Application endpoints of the spec: list, create (batch), get, patch, delete. */
class ApplicationIT {
    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("apps"));

    /** Apps are created in this API-made vhost, so tests do not depend on each other's apps. */
    private static final String VHOST = "/v1/vhosts/studio";

    private static KilnApi api() {
        return KILN.api();
    }

    private static String app(String name) {
        return "{\"name\": \"" + name + "\", \"type\": \"live\"}";
    }

    @BeforeAll
    static void createVhost() {
        batch(api().post("/v1/vhosts", "[{\"name\": \"studio\", \"host\": {\"names\": [\"studio.example.com\"]}}]"),
                200, 200);
    }

    @Test
    void theDeclaredAppIsListedAndHasTheDefaults() {
        assertThat(names(ok(api().get("/v1/vhosts/default/apps")))).contains("app");
        JsonNode app = ok(api().get("/v1/vhosts/default/apps/app"));
        assertThat(app.path("name").asText()).isEqualTo("app");
        assertThat(app.path("type").asText()).isEqualTo("live");
        assertThat(app.path("dynamic").isBoolean()).as("dynamic of %s", app).isTrue();
        assertThat(app.path("dynamic").asBoolean()).isFalse();
        assertDocumentedDefaults(app);
    }

    @Test
    void unknownAppOrVhostIs404() {
        error(api().get("/v1/vhosts/default/apps/nope"), 404,
                "[HTTP] Could not find the application: [default/nope] (404)");
        error(api().delete("/v1/vhosts/default/apps/nope"), 404,
                "[HTTP] Could not find the application: [default/nope] (404)");
        error(api().patch("/v1/vhosts/default/apps/nope", "{\"publishers\": {\"llhls\": {}}}"), 404,
                "[HTTP] Could not find the application: [default/nope] (404)");
        error(api().get("/v1/vhosts/nope/apps"), 404, "[HTTP] Could not find the virtual host: [nope] (404)");
        error(api().get("/v1/vhosts/nope/apps/app"), 404, "[HTTP] Could not find the virtual host: [nope] (404)");
        error(api().post("/v1/vhosts/nope/apps", "[" + app("x") + "]"), 404,
                "[HTTP] Could not find the virtual host: [nope] (404)");
    }

    @Test
    void anAppCreatedWithoutSettingsGetsTheDocumentedDefaults() {
        JsonNode items = batch(api().post(VHOST + "/apps", "[" + app("plain") + "]"), 200, 200);
        JsonNode created = items.get(0).path("response");
        assertThat(created.path("name").asText()).isEqualTo("plain");
        assertDocumentedDefaults(created);

        JsonNode got = ok(api().get(VHOST + "/apps/plain"));
        assertThat(got.path("type").asText()).isEqualTo("live");
        assertThat(got.path("dynamic").asBoolean()).as("dynamic of %s", got).isTrue();
        assertDocumentedDefaults(got);
        assertThat(names(ok(api().get(VHOST + "/apps")))).contains("plain");
    }

    @Test
    void anAppKeepsTheSettingsItWasCreatedWith() {
        batch(api().post(VHOST + "/apps", """
                [{
                  "name": "custom",
                  "type": "live",
                  "outputProfiles": {"outputProfile": [{
                      "name": "passthrough",
                      "outputStreamName": "${OriginStreamName}_pt",
                      "encodes": {"videos": [{"name": "v", "bypass": true}], "audios": [{"name": "a", "bypass": true}]}
                  }]},
                  "providers": {"rtmp": {}, "srt": {}},
                  "publishers": {"llhls": {}}
                }]
                """), 200, 200);
        JsonNode got = ok(api().get(VHOST + "/apps/custom"));
        assertThat(profileNames(got)).containsExactly("passthrough");
        JsonNode profiles = got.path("outputProfiles").path("outputProfile");
        assertThat(profiles.get(0).path("outputStreamName").asText()).isEqualTo("${OriginStreamName}_pt");
        assertThat(fieldNames(got.path("providers"))).containsExactlyInAnyOrder("rtmp", "srt");
        assertThat(fieldNames(got.path("publishers"))).containsExactly("llhls");
    }

    @Test
    void appsCanBeAddedToTheDeclaredVhost() {
        JsonNode items = batch(api().post("/v1/vhosts/default/apps", "[" + app("extra") + "]"), 200, 200);
        assertThat(items.get(0).path("response").path("name").asText()).isEqualTo("extra");
        assertThat(ok(api().get("/v1/vhosts/default/apps/extra")).path("dynamic").asBoolean()).isTrue();
        assertThat(names(ok(api().get("/v1/vhosts/default/apps")))).contains("app", "extra");
        ok(api().delete("/v1/vhosts/default/apps/extra"));
        assertThat(names(ok(api().get("/v1/vhosts/default/apps")))).contains("app").doesNotContain("extra");
    }

    @Test
    void aBatchWithOneDuplicateIsMultiStatus() {
        batch(api().post(VHOST + "/apps", "[" + app("first") + "]"), 200, 200);
        batch(api().post(VHOST + "/apps", "[" + app("second") + "," + app("first") + "]"), 207, 200, 409);
        assertThat(names(ok(api().get(VHOST + "/apps")))).contains("first", "second");
    }

    @Test
    void aBatchOfDuplicatesIsConflict() {
        batch(api().post(VHOST + "/apps", "[" + app("dup") + "]"), 200, 200);
        batch(api().post(VHOST + "/apps", "[" + app("dup") + "]"), 409, 409);
        assertThat(names(ok(api().get(VHOST + "/apps")))).containsOnlyOnce("dup");
    }

    @Test
    void anItemWithoutNameIsBadRequest() {
        JsonNode items = batch(api().post(VHOST + "/apps", "[{\"type\": \"live\"}]"), 400, 400);
        assertThat(items.get(0).path("message").asText()).as("the message names the missing field")
                .contains("name");
    }

    @Test
    void aBodyThatIsNotAnArrayIsBadRequest() {
        error(api().post(VHOST + "/apps", app("single")), 400);
        error(api().get(VHOST + "/apps/single"), 404, "[HTTP] Could not find the application: [studio/single] (404)");
    }

    @Test
    void patchMergesProvidersAndKeepsTheRest() {
        batch(api().post(VHOST + "/apps", "[" + app("patched") + "]"), 200, 200);
        JsonNode patched = ok(api().patch(VHOST + "/apps/patched", """
                {"providers": {"webrtc": {"timeout": 60000}}}
                """));
        assertPatched(patched);
        assertPatched(ok(api().get(VHOST + "/apps/patched")));
    }

    private static void assertPatched(JsonNode app) {
        assertThat(app.path("name").asText()).isEqualTo("patched");
        assertThat(fieldNames(app.path("providers")))
                .containsExactlyInAnyOrder("ovt", "rtmp", "rtspPull", "srt", "webrtc");
        JsonNode timeout = app.path("providers").path("webrtc").path("timeout");
        assertThat(timeout.isNumber()).as("providers.webrtc.timeout of %s", app).isTrue();
        assertThat(timeout.decimalValue()).isEqualByComparingTo("60000");
        assertThat(app.path("providers").path("rtmp").isEmpty()).isTrue();
        assertThat(fieldNames(app.path("publishers"))).containsExactlyInAnyOrder("llhls", "ovt", "webrtc");
        assertThat(profileNames(app)).containsExactly("default");
    }

    @Test
    void patchCannotChangeNameOrOutputProfiles() {
        batch(api().post(VHOST + "/apps", "[" + app("fixed") + "]"), 200, 200);
        error(api().patch(VHOST + "/apps/fixed", "{\"name\": \"renamed\"}"), 400,
                "[HTTP] Cannot change [name] using this API (400)");
        error(api().patch(VHOST + "/apps/fixed", """
                {"outputProfiles": {"outputProfile": [{"name": "x", "outputStreamName": "x",
                  "encodes": {"videos": [{"bypass": true}]}}]}}
                """), 400, "[HTTP] Cannot change [outputProfiles] using this API (400)");
        assertDocumentedDefaults(ok(api().get(VHOST + "/apps/fixed")));
        error(api().get(VHOST + "/apps/renamed"), 404, "[HTTP] Could not find the application: [studio/renamed] (404)");
    }

    @Test
    void deletesAnApp() {
        batch(api().post(VHOST + "/apps", "[" + app("doomed") + "]"), 200, 200);
        assertThat(ok(api().delete(VHOST + "/apps/doomed")).isMissingNode()).isTrue();
        error(api().get(VHOST + "/apps/doomed"), 404, "[HTTP] Could not find the application: [studio/doomed] (404)");
        assertThat(names(ok(api().get(VHOST + "/apps")))).doesNotContain("doomed");
        error(api().delete(VHOST + "/apps/doomed"), 404,
                "[HTTP] Could not find the application: [studio/doomed] (404)");
    }
}
