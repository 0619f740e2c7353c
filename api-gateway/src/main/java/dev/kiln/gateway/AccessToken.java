package dev.kiln.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;

/**
 * The API access token and the check of an {@code Authorization: Basic base64(X)} header against
 * it: X is the token itself, or {@code user:token} (so {@code curl -u kiln:TOKEN} works).
 * Comparisons take the same time whatever the guess.
 */
final class AccessToken {

    enum Verdict { MISSING, INVALID, VALID }

    private static final String BASIC = "basic ";

    private final byte[] token;

    AccessToken(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("accessToken is required");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    Verdict check(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Verdict.MISSING;
        }
        if (authorization.length() < BASIC.length() ||
            !authorization.substring(0, BASIC.length()).toLowerCase(Locale.ROOT).equals(BASIC)) {
            return Verdict.INVALID;
        }
        final byte[] credentials;
        try {
            credentials = Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim());
        } catch (IllegalArgumentException e) {
            return Verdict.INVALID;
        }
        return matches(credentials) ? Verdict.VALID : Verdict.INVALID;
    }

    private boolean matches(byte[] credentials) {
        final boolean whole = MessageDigest.isEqual(credentials, token);
        int colon = -1;
        for (int i = 0; i < credentials.length; i++) {
            if (credentials[i] == ':') {
                colon = i;
                break;
            }
        }
        final byte[] password = new byte[colon < 0 ? 0 : credentials.length - colon - 1];
        if (colon >= 0) {
            System.arraycopy(credentials, colon + 1, password, 0, password.length);
        }
        final boolean userAndPassword = colon >= 0 && MessageDigest.isEqual(password, token);
        return whole | userAndPassword;
    }
}
