package dev.kiln.rtmp.protocol.handshake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The RTMP handshake, as pure functions over the 1536-byte packets: the server side
 * ({@link #respond}) and the plain client side ({@link #clientC1}, {@link #clientC2}).
 *
 * <p>Two forms are answered. In the plain form (C1 bytes 4-7 zero, or no valid digest) S2
 * echoes C1. In the digest form that Flash-era clients use (ffmpeg, and librtmp when asked
 * for it), C1 carries an HMAC-SHA256 digest at an offset derived from either bytes 8-11 or
 * bytes 772-775; S1 then carries the server's digest at the same kind of offset and S2 ends
 * with a signature keyed from the client's digest, which such clients check.
 */
public final class Handshake {
  public static final int RTMP_VERSION = 3;
  public static final int PACKET_SIZE = 1536;
  static final int DIGEST_LENGTH = 32;

  private static final byte[] KEY_TAIL = hex(
      "F0EEC24A8068BEE82E00D0D1029E7E576EEC5D2D29806FAB93B8E636CFEB31AE");
  /** The client key: "Genuine Adobe Flash Player 001" followed by {@link #KEY_TAIL}. */
  static final byte[] CLIENT_KEY = concat("Genuine Adobe Flash Player 001", KEY_TAIL);
  static final int CLIENT_KEY_TEXT_LENGTH = 30;
  /** The server key: "Genuine Adobe Flash Media Server 001" followed by {@link #KEY_TAIL}. */
  static final byte[] SERVER_KEY = concat("Genuine Adobe Flash Media Server 001", KEY_TAIL);
  static final int SERVER_KEY_TEXT_LENGTH = 36;

  private static final byte[] SERVER_VERSION = {5, 0, 3, 1};

  private Handshake() {}

  /** Where a packet keeps its digest: the two layouts clients use. */
  public enum DigestScheme {
    /** Offset from bytes 8-11, digest in the first half (ffmpeg's choice). */
    OFFSET_AT_8(8, 12),
    /** Offset from bytes 772-775, digest in the second half. */
    OFFSET_AT_772(772, 776);

    private final int offsetField;
    private final int base;

    DigestScheme(int offsetField, int base) {
      this.offsetField = offsetField;
      this.base = base;
    }

    /** The digest's position in {@code packet}, always within the packet. */
    public int digestPosition(byte[] packet) {
      int sum = 0;
      for (int i = 0; i < 4; i++) {
        sum += packet[offsetField + i] & 0xFF;
      }
      return sum % 728 + base;
    }
  }

  /** S1 and S2 for one client, and which handshake form was chosen. */
  public record Response(byte[] s1, byte[] s2, DigestScheme scheme) {
    public boolean usesDigest() {
      return scheme != null;
    }
  }

  /** Builds S1 and S2 for the given C1. */
  public static Response respond(byte[] c1) {
    if (c1.length != PACKET_SIZE) {
      throw new IllegalArgumentException("C1 must be " + PACKET_SIZE + " bytes");
    }
    DigestScheme scheme = findClientDigest(c1);
    if (scheme == null) {
      byte[] s1 = new byte[PACKET_SIZE];
      ThreadLocalRandom.current().nextBytes(s1);
      Arrays.fill(s1, 0, 8, (byte) 0); // time 0, zero field
      return new Response(s1, c1.clone(), null);
    }
    byte[] s1 = new byte[PACKET_SIZE];
    ThreadLocalRandom.current().nextBytes(s1);
    Arrays.fill(s1, 0, 4, (byte) 0);
    System.arraycopy(SERVER_VERSION, 0, s1, 4, 4);
    sign(s1, scheme, SERVER_KEY, SERVER_KEY_TEXT_LENGTH);

    int clientDigestAt = scheme.digestPosition(c1);
    byte[] clientDigest = Arrays.copyOfRange(c1, clientDigestAt, clientDigestAt + DIGEST_LENGTH);
    byte[] s2 = new byte[PACKET_SIZE];
    ThreadLocalRandom.current().nextBytes(s2);
    byte[] signature = s2Signature(s2, clientDigest);
    System.arraycopy(signature, 0, s2, PACKET_SIZE - DIGEST_LENGTH, DIGEST_LENGTH);
    return new Response(s1, s2, scheme);
  }

  /**
   * A plain C1 for the client side: time 0, a zero version field (which tells the server to
   * answer with the plain handshake) and random bytes.
   */
  public static byte[] clientC1() {
    byte[] c1 = new byte[PACKET_SIZE];
    ThreadLocalRandom.current().nextBytes(c1);
    Arrays.fill(c1, 0, 8, (byte) 0);
    return c1;
  }

  /** The client's C2 for a server's S1: S1 echoed, as the plain handshake asks. */
  public static byte[] clientC2(byte[] s1) {
    if (s1.length != PACKET_SIZE) {
      throw new IllegalArgumentException("S1 must be " + PACKET_SIZE + " bytes");
    }
    return s1.clone();
  }

  /**
   * The scheme under which C1 carries a valid client digest, or {@code null} for a plain C1
   * (zero version field) or one whose digest matches neither scheme.
   */
  public static DigestScheme findClientDigest(byte[] c1) {
    if (c1[4] == 0 && c1[5] == 0 && c1[6] == 0 && c1[7] == 0) {
      return null;
    }
    for (DigestScheme scheme : DigestScheme.values()) {
      if (hasValidDigest(c1, scheme, CLIENT_KEY, CLIENT_KEY_TEXT_LENGTH)) {
        return scheme;
      }
    }
    return null;
  }

  /** Whether {@code packet} carries the digest of its other bytes keyed with the given key. */
  static boolean hasValidDigest(byte[] packet, DigestScheme scheme, byte[] key, int keyLength) {
    int at = scheme.digestPosition(packet);
    byte[] expected = packetDigest(packet, at, key, keyLength);
    return MessageDigest.isEqual(
        expected, Arrays.copyOfRange(packet, at, at + DIGEST_LENGTH));
  }

  /** Computes and stores a packet's digest in place. */
  static void sign(byte[] packet, DigestScheme scheme, byte[] key, int keyLength) {
    int at = scheme.digestPosition(packet);
    byte[] digest = packetDigest(packet, at, key, keyLength);
    System.arraycopy(digest, 0, packet, at, DIGEST_LENGTH);
  }

  /** The signature that ends S2: keyed by the client's digest under the full server key. */
  static byte[] s2Signature(byte[] s2, byte[] clientDigest) {
    byte[] key = hmac(SERVER_KEY, SERVER_KEY.length, clientDigest, 0, clientDigest.length, null, 0, 0);
    return hmac(key, key.length, s2, 0, PACKET_SIZE - DIGEST_LENGTH, null, 0, 0);
  }

  private static byte[] packetDigest(byte[] packet, int at, byte[] key, int keyLength) {
    int after = at + DIGEST_LENGTH;
    return hmac(key, keyLength, packet, 0, at, packet, after, PACKET_SIZE - after);
  }

  private static byte[] hmac(byte[] key, int keyLength, byte[] a, int aOff, int aLen,
      byte[] b, int bOff, int bLen) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, 0, keyLength, "HmacSHA256"));
      mac.update(a, aOff, aLen);
      if (b != null) {
        mac.update(b, bOff, bLen);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static byte[] concat(String text, byte[] tail) {
    byte[] head = text.getBytes(StandardCharsets.US_ASCII);
    byte[] key = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, key, head.length, tail.length);
    return key;
  }

  private static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
