package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.batch;
import static dev.kiln.dist.ApiAssertions.error;
import static dev.kiln.dist.ApiAssertions.names;
import static dev.kiln.dist.ApiAssertions.ok;
import static dev.kiln.dist.ApiAssertions.profileNames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Output Profile endpoints of the spec: list, create (batch), get, delete. */
class OutputProfileIT {
    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("profiles"));

    private static final String APP = "/v1/vhosts/tv/apps/live";
    private static final String PROFILES = APP + "/outputProfiles";

    private static KilnApi api() {
        return KILN.api();
    }

    private static String bypass(String name) {
        return """
                {"name": "%s", "outputStreamName": "${OriginStreamName}_%s",
                 "encodes": {"videos": [{"bypass": true}], "audios": [{"bypass": true}]}}
                """.formatted(name, name);
    }

    @BeforeAll
    static void createApp() {
        batch(api().post("/v1/vhosts", "[{\"name\": \"tv\", \"host\": {\"names\": [\"tv.example.com\"]}}]"), 200, 200);
        batch(api().post("/v1/vhosts/tv/apps", "[{\"name\": \"live\", \"type\": \"live\"}]"), 200, 200);
    }

    @Test
    void listsAndGetsTheDefaultProfile() {
        assertThat(names(ok(api().get(PROFILES)))).startsWith("default");
        JsonNode profile = ok(api().get(PROFILES + "/default"));
        assertThat(profile.path("name").asText()).isEqualTo("default");
        assertThat(profile.path("outputStreamName").asText()).isEqualTo("${OriginStreamName}");
        assertThat(profile.path("encodes").path("videos").get(0).path("bypass").asBoolean()).isTrue();
        JsonNode audios = profile.path("encodes").path("audios");
        assertThat(audios.size()).as("audio encodes of %s", profile).isEqualTo(2);
        assertThat(audios.get(0).path("codec").asText()).isEqualTo("opus");
        assertThat(audios.get(1).path("codec").asText()).isEqualTo("aac");
    }

    @Test
    void unknownProfileAppOrVhostIs404() {
        error(api().get(PROFILES + "/nope"), 404, "[HTTP] Could not find the output profile: [tv/live/nope] (404)");
        error(api().delete(PROFILES + "/nope"), 404,
                "[HTTP] Could not find the output profile: [tv/live/nope] (404)");
        error(api().get("/v1/vhosts/tv/apps/nope/outputProfiles"), 404,
                "[HTTP] Could not find the application: [tv/nope] (404)");
        error(api().post("/v1/vhosts/tv/apps/nope/outputProfiles", "[" + bypass("x") + "]"), 404,
                "[HTTP] Could not find the application: [tv/nope] (404)");
        error(api().get("/v1/vhosts/nope/apps/live/outputProfiles/default"), 404,
                "[HTTP] Could not find the virtual host: [nope] (404)");
    }

    @Test
    void createsGetsAndDeletesAProfile() {
        JsonNode items = batch(api().post(PROFILES, "[" + bypass("bypass_profile") + "]"), 200, 200);
        JsonNode created = items.get(0).path("response");
        assertThat(created.path("name").asText()).isEqualTo("bypass_profile");
        assertThat(created.path("outputStreamName").asText()).isEqualTo("${OriginStreamName}_bypass_profile");

        assertThat(names(ok(api().get(PROFILES)))).contains("default", "bypass_profile");
        JsonNode got = ok(api().get(PROFILES + "/bypass_profile"));
        assertThat(got.path("outputStreamName").asText()).isEqualTo("${OriginStreamName}_bypass_profile");
        assertThat(got.path("encodes").path("videos").get(0).path("bypass").asBoolean()).isTrue();
        assertThat(got.path("encodes").path("audios").get(0).path("bypass").asBoolean()).isTrue();
        assertThat(profileNames(ok(api().get(APP)))).as("the app shows the new profile")
                .contains("default", "bypass_profile");

        assertThat(ok(api().delete(PROFILES + "/bypass_profile")).isMissingNode()).isTrue();
        error(api().get(PROFILES + "/bypass_profile"), 404,
                "[HTTP] Could not find the output profile: [tv/live/bypass_profile] (404)");
        assertThat(names(ok(api().get(PROFILES)))).doesNotContain("bypass_profile");
        assertThat(profileNames(ok(api().get(APP)))).doesNotContain("bypass_profile");
    }

    @Test
    void keepsEncodeSettings() {
        batch(api().post(PROFILES, """
                [{"name": "hd", "outputStreamName": "${OriginStreamName}_hd",
                  "encodes": {
                    "videos": [{"name": "h264_720", "codec": "h264", "width": 1280, "height": 720,
                                "bitrate": 2000000, "framerate": 30, "preset": "faster"}],
                    "audios": [{"name": "aac_128", "codec": "aac", "bitrate": 128000, "samplerate": 48000,
                                "channel": 2}]
                  }}]
                """), 200, 200);
        JsonNode got = ok(api().get(PROFILES + "/hd"));
        JsonNode video = got.path("encodes").path("videos").get(0);
        assertThat(video.path("name").asText()).isEqualTo("h264_720");
        assertThat(video.path("codec").asText()).isEqualTo("h264");
        assertThat(video.path("width").asInt()).isEqualTo(1280);
        assertThat(video.path("height").asInt()).isEqualTo(720);
        assertThat(video.path("bitrate").asInt()).isEqualTo(2000000);
        assertThat(video.path("framerate").decimalValue()).isEqualByComparingTo("30");
        assertThat(video.path("preset").asText()).isEqualTo("faster");
        JsonNode audio = got.path("encodes").path("audios").get(0);
        assertThat(audio.path("codec").asText()).isEqualTo("aac");
        assertThat(audio.path("bitrate").asInt()).isEqualTo(128000);
        assertThat(audio.path("samplerate").asInt()).isEqualTo(48000);
        assertThat(audio.path("channel").asInt()).isEqualTo(2);
    }

    @Test
    void aBatchWithOneDuplicateIsMultiStatus() {
        batch(api().post(PROFILES, "[" + bypass("mixed") + "," + bypass("default") + "]"), 207, 200, 409);
        assertThat(names(ok(api().get(PROFILES)))).contains("mixed").containsOnlyOnce("default");
    }

    @Test
    void aBatchOfDuplicatesIsConflict() {
        batch(api().post(PROFILES, "[" + bypass("default") + "]"), 409, 409);
        assertThat(ok(api().get(PROFILES + "/default")).path("outputStreamName").asText())
                .as("the existing profile is untouched").isEqualTo("${OriginStreamName}");
    }

    @Test
    void anItemWithoutNameIsBadRequest() {
        JsonNode items = batch(api().post(PROFILES, """
                [{"outputStreamName": "${OriginStreamName}_x", "encodes": {"videos": [{"bypass": true}]}}]
                """), 400, 400);
        assertThat(items.get(0).path("message").asText()).as("the message names the missing field")
                .contains("name");
    }

    @Test
    void aBodyThatIsNotAnArrayIsBadRequest() {
        error(api().post(PROFILES, bypass("lonely")), 400);
        assertThat(names(ok(api().get(PROFILES)))).doesNotContain("lonely");
    }
}
