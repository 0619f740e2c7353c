package dev.kiln.dist;

import static dev.kiln.dist.ApiAssertions.error;
import static dev.kiln.dist.ApiAssertions.names;
import static dev.kiln.dist.ApiAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.dist.KilnApi.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTP Basic authentication with the access token (set here through KILN_ACCESS_TOKEN). */
class AuthIT {
    private static final String TOKEN = "it-secret-token";

    @RegisterExtension
    static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("auth")
            .env("KILN_ACCESS_TOKEN", TOKEN));

    private static KilnApi api(String authorization) {
        return KILN.api().withAuthorization(authorization);
    }

    private static void assertUnauthorized(Reply reply) {
        error(reply, 401);
        assertThat(reply.wwwAuthenticate()).as("WWW-Authenticate of %s", reply).containsExactly("Basic realm=\"Kiln\"");
    }

    @Test
    void noAuthorizationHeaderIs401WithTheChallenge() {
        Reply reply = api(null).get("/v1/vhosts");
        error(reply, 401, "[HTTP] Authorization header is required to call API (401)");
        assertThat(reply.wwwAuthenticate()).containsExactly("Basic realm=\"Kiln\"");
    }

    @Test
    void theConfiguredTokenIsAccepted() {
        assertThat(names(ok(api(KilnProcess.basic(TOKEN)).get("/v1/vhosts")))).contains("default");
    }

    @Test
    void userColonTokenIsAccepted() {
        assertThat(names(ok(api(KilnProcess.basic("kiln:" + TOKEN)).get("/v1/vhosts")))).contains("default");
        assertThat(names(ok(api(KilnProcess.basic("someone:" + TOKEN)).get("/v1/vhosts")))).contains("default");
    }

    @Test
    void aWrongTokenIs401() {
        assertUnauthorized(api(KilnProcess.basic("wrong-token")).get("/v1/vhosts"));
        assertUnauthorized(api(KilnProcess.basic("kiln:wrong-token")).get("/v1/vhosts"));
        assertUnauthorized(api(KilnProcess.basic(TOKEN + "x")).get("/v1/vhosts/default"));
    }

    @Test
    void theDefaultTokenIsRefusedOnceAnotherIsConfigured() {
        assertUnauthorized(api(KilnProcess.basic(KilnProcess.DEFAULT_TOKEN)).get("/v1/vhosts"));
    }

    @Test
    void anotherSchemeOrGarbageIs401() {
        assertUnauthorized(api("Bearer " + TOKEN).get("/v1/vhosts"));
        assertUnauthorized(api("Basic not-base64!").get("/v1/vhosts"));
        assertUnauthorized(api("Basic").get("/v1/vhosts"));
    }

    @Test
    void anUnauthorizedChangeChangesNothing() {
        assertUnauthorized(api(null).post("/v1/vhosts", "[{\"name\": \"sneaky\", \"host\": {\"names\": [\"*\"]}}]"));
        assertUnauthorized(api(KilnProcess.basic("wrong")).delete("/v1/vhosts/default/apps/app"));
        KilnApi authorized = api(KilnProcess.basic(TOKEN));
        assertThat(names(ok(authorized.get("/v1/vhosts")))).doesNotContain("sneaky");
        ok(authorized.get("/v1/vhosts/default/apps/app"));
    }
}
