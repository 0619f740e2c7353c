package dev.kiln.gateway;

import static dev.kiln.gateway.GatewayExtension.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.kiln.gateway.AccessToken.Verdict;

class AccessTokenTest {

    @Test
    void tokenWithAColonMatchesAloneAndAsAPassword() {
        final AccessToken token = new AccessToken("a:b");
        assertThat(token.check(basic("a:b"))).isEqualTo(Verdict.VALID);
        assertThat(token.check(basic("kiln:a:b"))).isEqualTo(Verdict.VALID);
        assertThat(token.check(basic("a"))).isEqualTo(Verdict.INVALID);
        assertThat(token.check(basic("b"))).isEqualTo(Verdict.INVALID);
    }

    @Test
    void prefixesAndExtensionsOfTheTokenDoNotMatch() {
        final AccessToken token = new AccessToken("secret");
        assertThat(token.check(basic("secre"))).isEqualTo(Verdict.INVALID);
        assertThat(token.check(basic("secrets"))).isEqualTo(Verdict.INVALID);
        assertThat(token.check(basic("u:secret:"))).isEqualTo(Verdict.INVALID);
    }

    @Test
    void absentHeaderIsMissing() {
        final AccessToken token = new AccessToken("secret");
        assertThat(token.check(null)).isEqualTo(Verdict.MISSING);
        assertThat(token.check("  ")).isEqualTo(Verdict.MISSING);
    }

    @Test
    void emptyTokenIsRefused() {
        assertThatThrownBy(() -> new AccessToken("")).isInstanceOf(IllegalArgumentException.class);
    }
}
