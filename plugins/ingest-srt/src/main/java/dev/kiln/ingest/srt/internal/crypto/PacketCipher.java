package dev.kiln.ingest.srt.internal.crypto;

import io.netty.buffer.ByteBuf;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts data packet payloads: AES-CTR with the packet's key (even or odd), the counter
 * block being the salt's first 14 bytes XOR the packet index (its sequence number) at bytes
 * 10-13, with a 16-bit block counter in the last two bytes. The key stream comes from AES-ECB
 * over the counter blocks, so a packet needs no new cipher initialisation.
 */
public final class PacketCipher {
  private final byte[] salt;
  private final byte[] evenKey;
  private final byte[] oddKey;
  private final Cipher even;
  private final Cipher odd;
  private byte[] blocks = new byte[0];
  private byte[] stream = new byte[0];

  PacketCipher(byte[] salt, byte[] evenKey, byte[] oddKey) {
    this.salt = salt.clone();
    this.evenKey = evenKey;
    this.oddKey = oddKey;
    this.even = ecb(evenKey);
    this.odd = ecb(oddKey);
  }

  private static Cipher ecb(byte[] key) {
    if (key == null) {
      return null;
    }
    try {
      Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/ECB unavailable: " + e, e);
    }
  }

  byte[] evenKey() {
    return evenKey;
  }

  byte[] oddKey() {
    return oddKey;
  }

  /**
   * Decrypts (or, the same operation, encrypts) {@code length} bytes of {@code buf} from
   * {@code offset} in place.
   *
   * @param oddKey true for a packet flagged with the odd key
   * @return false when that key is unknown (the payload is left as it is)
   */
  public boolean apply(int sequence, boolean oddKey, ByteBuf buf, int offset, int length) {
    Cipher cipher = oddKey ? odd : even;
    if (cipher == null) {
      return false;
    }
    int blockCount = (length + 15) / 16;
    int size = blockCount * 16;
    if (blocks.length < size) {
      blocks = new byte[size];
      stream = new byte[size];
    }
    for (int b = 0; b < blockCount; b++) {
      int at = b * 16;
      System.arraycopy(salt, 0, blocks, at, 14);
      blocks[at + 10] ^= (byte) (sequence >>> 24);
      blocks[at + 11] ^= (byte) (sequence >>> 16);
      blocks[at + 12] ^= (byte) (sequence >>> 8);
      blocks[at + 13] ^= (byte) sequence;
      blocks[at + 14] = (byte) (b >>> 8);
      blocks[at + 15] = (byte) b;
    }
    try {
      cipher.doFinal(blocks, 0, size, stream, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/ECB failed: " + e, e);
    }
    for (int i = 0; i < length; i++) {
      buf.setByte(offset + i, buf.getByte(offset + i) ^ stream[i]);
    }
    return true;
  }
}
