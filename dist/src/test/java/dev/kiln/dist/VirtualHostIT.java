package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.batch;
import static dev.kiln.dist.ApiAssertions.error;
import static dev.kiln.dist.ApiAssertions.json;
import static dev.kiln.dist.ApiAssertions.names;
import static dev.kiln.dist.ApiAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The VirtualHost endpoints of the spec: list, create (batch), get, delete. */
class VirtualHostIT {
    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("vhosts"));

    private static KilnApi api() {
        return KILN.api();
    }

    private static String vhost(String name, String... hostNames) {
        return "{\"name\":\"" + name + "\",\"host\":{\"names\":[\"" + String.join("\",\"", hostNames) + "\"]}}";
    }

    @Test
    void listsTheDeclaredDefaultVhost() {
        assertThat(names(ok(api().get("/v1/vhosts")))).contains("default");
    }

    @Test
    void theDefaultVhostComesFromTheConfigFile() {
        JsonNode vhost = ok(api().get("/v1/vhosts/default"));
        assertThat(vhost.path("name").asText()).isEqualTo("default");
        assertThat(vhost.path("dynamic").isBoolean()).as("dynamic of %s", vhost).isTrue();
        assertThat(vhost.path("dynamic").asBoolean()).isFalse();
        assertThat(names(vhost.path("host").path("names"))).containsExactly("*");
    }

    @Test
    void unknownVhostIs404() {
        error(api().get("/v1/vhosts/nope"), 404, "[HTTP] Could not find the virtual host: [nope] (404)");
        error(api().delete("/v1/vhosts/nope"), 404, "[HTTP] Could not find the virtual host: [nope] (404)");
    }

    @Test
    void createsListsGetsAndDeletesAVhost() {
        JsonNode items = batch(api().post("/v1/vhosts", "[" + vhost("crud", "crud.example.com") + "]"), 200, 200);
        JsonNode created = items.get(0).path("response");
        assertThat(created.path("name").asText()).isEqualTo("crud");
        assertThat(names(created.path("host").path("names"))).containsExactly("crud.example.com");

        assertThat(names(ok(api().get("/v1/vhosts")))).contains("default", "crud");
        JsonNode got = ok(api().get("/v1/vhosts/crud"));
        assertThat(got.path("name").asText()).isEqualTo("crud");
        assertThat(got.path("dynamic").asBoolean()).as("dynamic of %s", got).isTrue();
        assertThat(names(got.path("host").path("names"))).containsExactly("crud.example.com");

        assertThat(ok(api().delete("/v1/vhosts/crud")).isMissingNode()).isTrue();
        error(api().get("/v1/vhosts/crud"), 404, "[HTTP] Could not find the virtual host: [crud] (404)");
        assertThat(names(ok(api().get("/v1/vhosts")))).doesNotContain("crud");
        error(api().delete("/v1/vhosts/crud"), 404, "[HTTP] Could not find the virtual host: [crud] (404)");
    }

    @Test
    void keepsTheOptionalSettingsAsGiven() {
        String settings = """
                "signedPolicy": {
                    "enables": {"providers": "rtmp,webrtc,srt", "publishers": "webrtc,llhls"},
                    "policyQueryKeyName": "policy",
                    "secretKey": "aKq#1kj",
                    "signatureQueryKeyName": "signature"
                },
                "admissionWebhooks": {
                    "controlServerUrl": "https://control.server/admission",
                    "enables": {"providers": "rtmp,webrtc,srt", "publishers": "webrtc,llhls"},
                    "secretKey": "hook-secret",
                    "timeout": 3000
                },
                "origins": {
                    "origin": [
                        {"location": "/app/rtsp",
                         "pass": {"scheme": "rtsp", "urls": {"url": ["rtsp.server:8554/ca-01"]}}}
                    ]
                },
                "originMapStore": {
                    "originHostName": "ome-dev.airensoft.com",
                    "redisServer": {"auth": "!@#ovenmediaengine", "host": "redis.server:6379"}
                }""";
        batch(api().post("/v1/vhosts", """
                [{"name": "full", "host": {"names": ["full.example.com", "10.0.0.1"]}, %s}]
                """.formatted(settings)), 200, 200);

        JsonNode expected = json("{" + settings + "}");
        JsonNode got = ok(api().get("/v1/vhosts/full"));
        assertThat(names(got.path("host").path("names"))).containsExactly("full.example.com", "10.0.0.1");
        for (String section : new String[] {"signedPolicy", "admissionWebhooks", "origins", "originMapStore"}) {
            assertThat(got.path(section)).as(section).isEqualTo(expected.path(section));
        }
        ok(api().delete("/v1/vhosts/full"));
    }

    @Test
    void aBatchWithOneDuplicateIsMultiStatus() {
        batch(api().post("/v1/vhosts", "[" + vhost("multi", "multi.example.com") + ","
                + vhost("default", "other.example.com") + "]"), 207, 200, 409);
        ok(api().get("/v1/vhosts/multi"));
        assertThat(names(ok(api().get("/v1/vhosts/default")).path("host").path("names")))
                .as("the existing vhost is untouched").containsExactly("*");
        ok(api().delete("/v1/vhosts/multi"));
    }

    @Test
    void aBatchOfDuplicatesIsConflict() {
        batch(api().post("/v1/vhosts", "[" + vhost("twice", "twice.example.com") + "]"), 200, 200);
        batch(api().post("/v1/vhosts", "[" + vhost("twice", "twice.example.com") + ","
                + vhost("default", "x.example.com") + "]"), 409, 409, 409);
        ok(api().delete("/v1/vhosts/twice"));
    }

    @Test
    void anItemWithoutNameIsBadRequest() {
        JsonNode items = batch(api().post("/v1/vhosts", "[{\"host\": {\"names\": [\"noname.example.com\"]}}]"),
                400, 400);
        assertThat(items.get(0).path("message").asText()).as("the message names the missing field")
                .contains("name");
        assertThat(names(ok(api().get("/v1/vhosts")))).containsOnlyOnce("default");
    }

    @Test
    void aBodyThatIsNotAnArrayIsBadRequest() {
        error(api().post("/v1/vhosts", vhost("object", "object.example.com")), 400);
        error(api().get("/v1/vhosts/object"), 404, "[HTTP] Could not find the virtual host: [object] (404)");
    }

    @Test
    void deletingAVhostDeletesItsApps() {
        batch(api().post("/v1/vhosts", "[" + vhost("parent", "parent.example.com") + "]"), 200, 200);
        batch(api().post("/v1/vhosts/parent/apps", "[{\"name\": \"child\", \"type\": \"live\"}]"), 200, 200);
        ok(api().delete("/v1/vhosts/parent"));
        error(api().get("/v1/vhosts/parent/apps"), 404, "[HTTP] Could not find the virtual host: [parent] (404)");

        batch(api().post("/v1/vhosts", "[" + vhost("parent", "parent.example.com") + "]"), 200, 200);
        assertThat(names(ok(api().get("/v1/vhosts/parent/apps")))).isEmpty();
        ok(api().delete("/v1/vhosts/parent"));
    }
}
