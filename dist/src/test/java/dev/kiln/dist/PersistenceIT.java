package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.batch;
import static dev.kiln.dist.ApiAssertions.error;
import static dev.kiln.dist.ApiAssertions.fieldNames;
import static dev.kiln.dist.ApiAssertions.names;
import static dev.kiln.dist.ApiAssertions.ok;
import static dev.kiln.dist.ApiAssertions.profileNames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the API creates survives a restart with the same data folder; what it deletes stays deleted. */
@ExtendWith(KilnLogOnFailure.class)
class PersistenceIT {

    @Test
    void apiChangesSurviveARestart() {
        Path data;
        try (KilnProcess first = KilnProcess.builder().name("persist-1").start()) {
            data = first.dataDir();
            KilnApi api = first.api();
            batch(api.post("/v1/vhosts", """
                    [{"name": "kept", "host": {"names": ["kept.example.com"]},
                      "signedPolicy": {"policyQueryKeyName": "policy", "signatureQueryKeyName": "signature",
                                       "secretKey": "s3cret", "enables": {"providers": "rtmp", "publishers": "llhls"}}},
                     {"name": "dropped", "host": {"names": ["dropped.example.com"]}}]
                    """), 200, 200, 200);
            batch(api.post("/v1/vhosts/kept/apps", """
                    [{"name": "live", "type": "live", "providers": {"rtmp": {}, "srt": {}}},
                     {"name": "gone", "type": "live"}]
                    """), 200, 200, 200);
            batch(api.post("/v1/vhosts/default/apps", "[{\"name\": \"side\", \"type\": \"live\"}]"), 200, 200);
            batch(api.post("/v1/vhosts/kept/apps/live/outputProfiles", """
                    [{"name": "extra", "outputStreamName": "${OriginStreamName}_extra",
                      "encodes": {"videos": [{"bypass": true}], "audios": [{"bypass": true}]}},
                     {"name": "temporary", "outputStreamName": "${OriginStreamName}_tmp",
                      "encodes": {"videos": [{"bypass": true}]}}]
                    """), 200, 200, 200);
            ok(api.patch("/v1/vhosts/kept/apps/live", "{\"providers\": {\"srt\": {\"latency\": 120}}}"));
            ok(api.delete("/v1/vhosts/kept/apps/gone"));
            ok(api.delete("/v1/vhosts/kept/apps/live/outputProfiles/temporary"));
            ok(api.delete("/v1/vhosts/dropped"));
        }
        assertThat(data.resolve("state/kiln.db")).as("state store in the data folder").isRegularFile();

        try (KilnProcess second = KilnProcess.builder().name("persist-2").dataDir(data).start()) {
            KilnApi api = second.api();
            assertThat(names(ok(api.get("/v1/vhosts")))).contains("default", "kept").doesNotContain("dropped");
            JsonNode kept = ok(api.get("/v1/vhosts/kept"));
            assertThat(kept.path("dynamic").asBoolean()).isTrue();
            assertThat(names(kept.path("host").path("names"))).containsExactly("kept.example.com");
            assertThat(kept.path("signedPolicy").path("secretKey").asText()).isEqualTo("s3cret");
            error(api.get("/v1/vhosts/dropped"), 404, "[HTTP] Could not find the virtual host: [dropped] (404)");

            assertThat(names(ok(api.get("/v1/vhosts/kept/apps")))).containsExactly("live");
            error(api.get("/v1/vhosts/kept/apps/gone"), 404, "[HTTP] Could not find the application: [kept/gone] (404)");
            JsonNode live = ok(api.get("/v1/vhosts/kept/apps/live"));
            assertThat(live.path("dynamic").asBoolean()).isTrue();
            assertThat(fieldNames(live.path("providers"))).containsExactlyInAnyOrder("rtmp", "srt");
            assertThat(live.path("providers").path("srt").path("latency").decimalValue()).isEqualByComparingTo("120");
            assertThat(profileNames(live)).containsExactly("default", "extra");
            assertThat(ok(api.get("/v1/vhosts/kept/apps/live/outputProfiles/extra")).path("outputStreamName").asText())
                    .isEqualTo("${OriginStreamName}_extra");
            error(api.get("/v1/vhosts/kept/apps/live/outputProfiles/temporary"), 404,
                    "[HTTP] Could not find the output profile: [kept/live/temporary] (404)");

            assertThat(names(ok(api.get("/v1/vhosts/default/apps")))).contains("app", "side");
            assertThat(ok(api.get("/v1/vhosts/default/apps/side")).path("dynamic").asBoolean()).isTrue();
            assertThat(ok(api.get("/v1/vhosts/default/apps/app")).path("dynamic").asBoolean()).isFalse();
        }
    }
}
