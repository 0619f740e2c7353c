package dev.kiln.ingest.srt.internal.server;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SYN cookies for the induction phase: the listener keeps no state for a caller until it
 * comes back with a cookie that only this process could have made for that address and port
 * within the last two minutes (HMAC-SHA256 under a secret drawn at start, truncated to 32 bits).
 */
final class SynCookies {
  private static final long BUCKET_MICROS = 60_000_000L;
  private final Mac mac;

  SynCookies() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable: " + e, e);
    }
  }

  int cookie(InetSocketAddress peer, long nowMicros) {
    return forBucket(peer, nowMicros / BUCKET_MICROS);
  }

  boolean valid(InetSocketAddress peer, int cookie, long nowMicros) {
    long bucket = nowMicros / BUCKET_MICROS;
    return cookie == forBucket(peer, bucket) || cookie == forBucket(peer, bucket - 1);
  }

  private int forBucket(InetSocketAddress peer, long bucket) {
    byte[] address = peer.getAddress().getAddress();
    ByteBuffer input = ByteBuffer.allocate(address.length + 12);
    input.put(address).putInt(peer.getPort()).putLong(bucket);
    byte[] digest = mac.doFinal(input.array());
    return ByteBuffer.wrap(digest).getInt();
  }
}
