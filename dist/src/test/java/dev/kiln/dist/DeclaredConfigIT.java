package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.assertDocumentedDefaults;
import static dev.kiln.dist.ApiAssertions.error;
import static dev.kiln.dist.ApiAssertions.fieldNames;
import static dev.kiln.dist.ApiAssertions.names;
import static dev.kiln.dist.ApiAssertions.ok;
import static dev.kiln.dist.ApiAssertions.profileNames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Virtual hosts and applications declared in server.yaml (here a custom file given with
 * KILN_CONFIG): shown with "dynamic": false and read-only through the API (403).
 */
class DeclaredConfigIT {
    private static final String SERVER_YAML = """
            server:
              accessToken: kiln-access-token
            vhosts:
              - name: default
                host: { names: ["*"] }
                apps:
                  - name: app
                    type: live
              - name: broadcast
                host: { names: ["broadcast.example.com"] }
                apps:
                  - name: studio
                    type: live
                    providers: { rtmp: {}, srt: {} }
                    publishers: { llhls: {} }
                    outputProfiles:
                      outputProfile:
                        - name: passthrough
                          outputStreamName: "${OriginStreamName}_pt"
                          encodes:
                            videos: [ { bypass: true } ]
                            audios: [ { bypass: true } ]
            """;

    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("declared").serverYaml(SERVER_YAML));

    private static KilnApi api() {
        return KILN.api();
    }

    @Test
    void declaredEntriesAreNotDynamic() {
        assertThat(names(ok(api().get("/v1/vhosts")))).contains("default", "broadcast");
        for (String path : new String[] {"/v1/vhosts/default", "/v1/vhosts/broadcast",
                "/v1/vhosts/default/apps/app", "/v1/vhosts/broadcast/apps/studio"}) {
            JsonNode entry = ok(api().get(path));
            assertThat(entry.path("dynamic").isBoolean()).as("dynamic of %s", path).isTrue();
            assertThat(entry.path("dynamic").asBoolean()).as("dynamic of %s", path).isFalse();
        }
        assertThat(names(ok(api().get("/v1/vhosts/broadcast")).path("host").path("names")))
                .containsExactly("broadcast.example.com");
    }

    @Test
    void declaredAppsTakeTheirSettingsOrTheDefaults() {
        assertDocumentedDefaults(ok(api().get("/v1/vhosts/default/apps/app")));
        JsonNode studio = ok(api().get("/v1/vhosts/broadcast/apps/studio"));
        assertThat(fieldNames(studio.path("providers"))).containsExactlyInAnyOrder("rtmp", "srt");
        assertThat(fieldNames(studio.path("publishers"))).containsExactly("llhls");
        assertThat(profileNames(studio)).containsExactly("passthrough");
        assertThat(ok(api().get("/v1/vhosts/broadcast/apps/studio/outputProfiles/passthrough"))
                .path("outputStreamName").asText()).isEqualTo("${OriginStreamName}_pt");
    }

    @Test
    void declaredVhostsCannotBeDeleted() {
        error(api().delete("/v1/vhosts/default"), 403);
        error(api().delete("/v1/vhosts/broadcast"), 403);
        ok(api().get("/v1/vhosts/default"));
        ok(api().get("/v1/vhosts/broadcast/apps/studio"));
    }

    @Test
    void declaredAppsCannotBeDeletedOrPatched() {
        error(api().delete("/v1/vhosts/default/apps/app"), 403);
        error(api().delete("/v1/vhosts/broadcast/apps/studio"), 403);
        error(api().patch("/v1/vhosts/default/apps/app", "{\"providers\": {\"webrtc\": {\"timeout\": 60000}}}"), 403);
        error(api().patch("/v1/vhosts/broadcast/apps/studio", "{\"publishers\": {\"ovt\": {}}}"), 403);
        assertDocumentedDefaults(ok(api().get("/v1/vhosts/default/apps/app")));
        assertThat(fieldNames(ok(api().get("/v1/vhosts/broadcast/apps/studio")).path("publishers")))
                .containsExactly("llhls");
    }

    @Test
    void outputProfilesOfDeclaredAppsCannotBeChanged() {
        error(api().delete("/v1/vhosts/default/apps/app/outputProfiles/default"), 403);
        // A batch create may answer the envelope or one result per item: 403 either way.
        KilnApi.Reply add = api().post("/v1/vhosts/broadcast/apps/studio/outputProfiles", """
                [{"name": "more", "outputStreamName": "${OriginStreamName}_more",
                  "encodes": {"videos": [{"bypass": true}]}}]
                """);
        if (add.json().isArray()) {
            ApiAssertions.batch(add, 403, 403);
        } else {
            error(add, 403);
        }
        assertThat(names(ok(api().get("/v1/vhosts/default/apps/app/outputProfiles")))).containsExactly("default");
        assertThat(names(ok(api().get("/v1/vhosts/broadcast/apps/studio/outputProfiles"))))
                .containsExactly("passthrough");
    }

    @Test
    void declaredVhostsStillTakeNewApps() {
        ApiAssertions.batch(api().post("/v1/vhosts/broadcast/apps", "[{\"name\": \"extra\", \"type\": \"live\"}]"),
                200, 200);
        assertThat(ok(api().get("/v1/vhosts/broadcast/apps/extra")).path("dynamic").asBoolean()).isTrue();
        ok(api().delete("/v1/vhosts/broadcast/apps/extra"));
    }
}
