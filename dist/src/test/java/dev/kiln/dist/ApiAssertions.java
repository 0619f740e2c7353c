package dev.kiln.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.dist.KilnApi.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/** Checks of OvenMediaEngine's REST envelope: {"statusCode":..,"message":..,"response":..}. */
final class ApiAssertions {
    private ApiAssertions() {
    }

    /** 200 with {"statusCode":200,"message":"OK"}; returns "response" (missing node when absent). */
    static JsonNode ok(Reply reply) {
        JsonNode json = envelope(reply, 200);
        assertThat(json.path("message").asText()).as("message of %s", reply).isEqualTo("OK");
        return json.path("response");
    }

    /** The exact OME error: HTTP status, statusCode and message text. */
    static void error(Reply reply, int status, String message) {
        JsonNode json = envelope(reply, status);
        assertThat(json.path("message").asText()).as("message of %s", reply).isEqualTo(message);
    }

    /** An error whose text is not fixed by the spec: status, statusCode and a non-blank message. */
    static String error(Reply reply, int status) {
        JsonNode json = envelope(reply, status);
        String message = json.path("message").asText();
        assertThat(message).as("message of %s", reply).isNotBlank();
        return message;
    }

    /**
     * A batch create answer: the HTTP status and a JSON array with one result per item, in
     * order, each {"statusCode":..,"message":..}; successful items carry "response".
     */
    static JsonNode batch(Reply reply, int status, int... itemStatus) {
        assertThat(reply.status()).as("status of %s", reply).isEqualTo(status);
        assertJson(reply);
        JsonNode items = reply.json();
        assertThat(items.isArray()).as("body of %s is a JSON array (one result per item)", reply).isTrue();
        assertThat(items.size()).as("results in %s", reply).isEqualTo(itemStatus.length);
        for (int i = 0; i < itemStatus.length; i++) {
            JsonNode item = items.get(i);
            assertThat(item.path("statusCode").asInt()).as("statusCode of item %d in %s", i, reply)
                    .isEqualTo(itemStatus[i]);
            assertThat(item.path("message").asText()).as("message of item %d in %s", i, reply).isNotBlank();
            if (itemStatus[i] == 200) {
                assertThat(item.path("message").asText()).as("message of item %d in %s", i, reply).isEqualTo("OK");
                assertThat(item.path("response").isObject()).as("response of item %d in %s", i, reply).isTrue();
            }
        }
        return items;
    }

    /** Parses JSON written in a test. */
    static JsonNode json(String text) {
        try {
            return KilnApi.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Bad JSON in the test: " + e.getOriginalMessage(), e);
        }
    }

    static void assertJson(Reply reply) {
        assertThat(reply.contentType()).as("Content-Type of %s", reply)
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    }

    /** The names in a JSON array of strings. */
    static List<String> names(JsonNode array) {
        assertThat(array.isArray()).as("%s is an array", array).isTrue();
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    /** The names of an application's output profiles, in order. */
    static List<String> profileNames(JsonNode app) {
        JsonNode profiles = app.path("outputProfiles").path("outputProfile");
        assertThat(profiles.isArray()).as("outputProfiles.outputProfile of %s", app).isTrue();
        List<String> names = new ArrayList<>();
        profiles.forEach(p -> names.add(p.path("name").asText()));
        return names;
    }

    /** The object's field names, in order. */
    static List<String> fieldNames(JsonNode object) {
        assertThat(object.isObject()).as("%s is an object", object).isTrue();
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * The application carries OME's documented defaults (Create Application in the spec): output
     * profile "default" with outputStreamName ${OriginStreamName}, video "bypass_video" bypass,
     * audios "opus" and "aac" (48 kHz, 128 kb/s, stereo, bypassIfMatch codec eq), providers
     * ovt/rtmp/rtspPull/srt/webrtc and publishers llhls/ovt/webrtc, each with no settings.
     */
    static void assertDocumentedDefaults(JsonNode app) {
        JsonNode profiles = app.path("outputProfiles").path("outputProfile");
        assertThat(profiles.size()).as("output profiles of %s", app).isEqualTo(1);
        JsonNode profile = profiles.get(0);
        assertThat(profile.path("name").asText()).isEqualTo("default");
        assertThat(profile.path("outputStreamName").asText()).isEqualTo("${OriginStreamName}");

        JsonNode videos = profile.path("encodes").path("videos");
        assertThat(videos.size()).as("video encodes of %s", profile).isEqualTo(1);
        assertThat(videos.get(0).path("name").asText()).isEqualTo("bypass_video");
        assertThat(videos.get(0).path("bypass").asBoolean()).as("bypass of %s", videos.get(0)).isTrue();

        JsonNode audios = profile.path("encodes").path("audios");
        assertThat(audios.size()).as("audio encodes of %s", profile).isEqualTo(2);
        String[] codecs = {"opus", "aac"};
        for (int i = 0; i < codecs.length; i++) {
            JsonNode audio = audios.get(i);
            assertThat(audio.path("name").asText()).as("name of %s", audio).isEqualTo(codecs[i]);
            assertThat(audio.path("codec").asText()).as("codec of %s", audio).isEqualTo(codecs[i]);
            assertThat(audio.path("samplerate").asInt()).as("samplerate of %s", audio).isEqualTo(48000);
            assertThat(audio.path("bitrate").asInt()).as("bitrate of %s", audio).isEqualTo(128000);
            assertThat(audio.path("channel").asInt()).as("channel of %s", audio).isEqualTo(2);
            assertThat(audio.path("bypassIfMatch").path("codec").asText()).as("bypassIfMatch of %s", audio)
                    .isEqualTo("eq");
        }

        assertThat(fieldNames(app.path("providers")))
                .containsExactlyInAnyOrder("ovt", "rtmp", "rtspPull", "srt", "webrtc");
        assertThat(fieldNames(app.path("publishers"))).containsExactlyInAnyOrder("llhls", "ovt", "webrtc");
        StreamSupport.stream(app.path("providers").spliterator(), false)
                .forEach(settings -> assertThat(settings.isEmpty()).as("provider settings %s", settings).isTrue());
        StreamSupport.stream(app.path("publishers").spliterator(), false)
                .forEach(settings -> assertThat(settings.isEmpty()).as("publisher settings %s", settings).isTrue());
    }

    private static JsonNode envelope(Reply reply, int status) {
        assertThat(reply.status()).as("status of %s", reply).isEqualTo(status);
        assertJson(reply);
        JsonNode json = reply.json();
        assertThat(json.isObject()).as("body of %s is a JSON object", reply).isTrue();
        assertThat(json.path("statusCode").isInt()).as("statusCode of %s", reply).isTrue();
        assertThat(json.path("statusCode").asInt()).as("statusCode of %s", reply).isEqualTo(status);
        return json;
    }
}
