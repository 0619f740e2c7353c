package dev.kiln.ingest.srt.internal.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A key material message (KMREQ, in the conclusion handshake or in band): the salt and the
 * stream encrypting keys wrapped with a key derived from the passphrase.
 *
 * <p>Layout (bytes): 0 = version 1 / packet type 2, 1-2 = signature 0x2029, 3 = which keys
 * follow (1 even, 2 odd, 3 both), 4-7 = KEK index (0), 8 = cipher (2 = AES-CTR), 9 = auth (0),
 * 10 = stream encapsulation (2), 11-13 reserved, 14 = salt length / 4, 15 = key length / 4,
 * then the salt and the wrapped keys (RFC 3394: 8 bytes longer than the keys together).
 *
 * <p>The key encrypting key is PBKDF2-HMAC-SHA1 of the passphrase over the salt's last 8
 * bytes, 2048 rounds, as long as one stream key.
 */
public final class KeyMaterial {
  public static final int SIGNATURE = 0x2029;
  public static final int CIPHER_AES_CTR = 2;
  private static final int PBKDF2_ROUNDS = 2048;
  private static final int PBKDF2_SALT = 8;

  private final byte[] message;
  private final int keys;
  private final byte[] salt;
  private final int keyLength;
  private final byte[] wrapped;

  private KeyMaterial(byte[] message, int keys, byte[] salt, int keyLength, byte[] wrapped) {
    this.message = message;
    this.keys = keys;
    this.salt = salt;
    this.keyLength = keyLength;
    this.wrapped = wrapped;
  }

  /** The wrong passphrase (the unwrap integrity check failed). */
  public static final class BadSecretException extends Exception {
    BadSecretException(String message) {
      super(message);
    }
  }

  /**
   * Reads a key material message. Callers send it in natural byte order; an in-band copy that
   * arrives word-swapped is recognised by its signature and put back.
   *
   * @throws IllegalArgumentException when it is not a usable AES-CTR key material message
   */
  public static KeyMaterial parse(byte[] raw) {
    byte[] m = raw.clone();
    if (!signed(m) && m.length % 4 == 0) {
      for (int i = 0; i < m.length; i += 4) {
        byte a = m[i];
        byte b = m[i + 1];
        m[i] = m[i + 3];
        m[i + 1] = m[i + 2];
        m[i + 2] = b;
        m[i + 3] = a;
      }
    }
    if (!signed(m)) {
      throw new IllegalArgumentException("key material without the 0x2029 signature");
    }
    if (m.length < 16) {
      throw new IllegalArgumentException("key material of " + m.length + " bytes");
    }
    int keys = m[3] & 0x3;
    int cipher = m[8] & 0xFF;
    int saltLength = (m[14] & 0xFF) * 4;
    int keyLength = (m[15] & 0xFF) * 4;
    if (keys == 0) {
      throw new IllegalArgumentException("key material carries no key");
    }
    if (cipher != CIPHER_AES_CTR) {
      throw new IllegalArgumentException("cipher " + cipher + " is not supported (AES-CTR only)");
    }
    if (keyLength != 16 && keyLength != 24 && keyLength != 32) {
      throw new IllegalArgumentException("key length " + keyLength + " is not 16, 24 or 32");
    }
    if (saltLength != 16) {
      throw new IllegalArgumentException("salt length " + saltLength + " is not 16");
    }
    int count = keys == 3 ? 2 : 1;
    int wrappedLength = count * keyLength + 8;
    if (m.length < 16 + saltLength + wrappedLength) {
      throw new IllegalArgumentException("key material of " + m.length + " bytes, too short for its keys");
    }
    byte[] salt = Arrays.copyOfRange(m, 16, 16 + saltLength);
    byte[] wrapped = Arrays.copyOfRange(m, 16 + saltLength, 16 + saltLength + wrappedLength);
    return new KeyMaterial(Arrays.copyOf(m, 16 + saltLength + wrappedLength), keys, salt, keyLength, wrapped);
  }

  private static boolean signed(byte[] m) {
    return m.length >= 4 && (m[0] & 0xFF) == 0x12 && ((m[1] & 0xFF) << 8 | (m[2] & 0xFF)) == SIGNATURE;
  }

  /** The message in natural byte order, as the reply (KMRSP) echoes it. */
  public byte[] message() {
    return message.clone();
  }

  public int keyLength() {
    return keyLength;
  }

  /**
   * Unwraps the stream keys with the passphrase and returns a cipher for the packets.
   *
   * @param previous the cipher in use (an in-band refresh brings one new key and keeps the
   *     other), or null
   * @throws BadSecretException when the passphrase does not open the keys
   */
  public PacketCipher open(String passphrase, PacketCipher previous) throws BadSecretException {
    byte[] keysBytes;
    try {
      SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1");
      byte[] kek = pbkdf2.generateSecret(new PBEKeySpec(passphrase.toCharArray(),
          Arrays.copyOfRange(salt, salt.length - PBKDF2_SALT, salt.length), PBKDF2_ROUNDS,
          keyLength * 8)).getEncoded();
      Cipher unwrap = Cipher.getInstance("AESWrap");
      unwrap.init(Cipher.UNWRAP_MODE, new SecretKeySpec(kek, "AES"));
      keysBytes = unwrap.unwrap(wrapped, "RAW", Cipher.SECRET_KEY).getEncoded();
    } catch (InvalidKeyException e) {
      throw new BadSecretException("the passphrase does not unwrap the stream key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA1 or AESWrap: " + e, e);
    }
    byte[] even = previous == null ? null : previous.evenKey();
    byte[] odd = previous == null ? null : previous.oddKey();
    int at = 0;
    if ((keys & 1) != 0) {
      even = Arrays.copyOfRange(keysBytes, at, at + keyLength);
      at += keyLength;
    }
    if ((keys & 2) != 0) {
      odd = Arrays.copyOfRange(keysBytes, at, at + keyLength);
    }
    return new PacketCipher(salt, even, odd);
  }
}
