package dev.kiln.ingest.srt.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Key material made here the way a caller makes it (PBKDF2 over the salt's last 8 bytes, RFC
 * 3394 wrap) and packets encrypted with the JDK's own AES-CTR: Kiln must read them back.
 */
class KeyMaterialTest {
  private static final String PASSPHRASE = "a-passphrase-for-tests";
  private final SecureRandom random = new SecureRandom();

  private byte[] keyMaterial(byte[] salt, byte[] key, String passphrase) throws Exception {
    byte[] kek = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1").generateSecret(new PBEKeySpec(
        passphrase.toCharArray(), java.util.Arrays.copyOfRange(salt, 8, 16), 2048, key.length * 8)).getEncoded();
    Cipher wrap = Cipher.getInstance("AESWrap");
    wrap.init(Cipher.WRAP_MODE, new SecretKeySpec(kek, "AES"));
    byte[] wrapped = wrap.wrap(new SecretKeySpec(key, "AES"));
    ByteBuffer m = ByteBuffer.allocate(16 + 16 + wrapped.length);
    m.put((byte) 0x12).putShort((short) 0x2029).put((byte) 1).putInt(0)
        .put((byte) 2).put((byte) 0).put((byte) 2).put((byte) 0).putShort((short) 0)
        .put((byte) 4).put((byte) (key.length / 4)).put(salt).put(wrapped);
    return m.array();
  }

  @Test
  void packetsEncryptedWithTheWrappedKeyAreDecrypted() throws Exception {
    for (int keyLength : new int[] {16, 24, 32}) {
      byte[] salt = new byte[16];
      byte[] key = new byte[keyLength];
      random.nextBytes(salt);
      random.nextBytes(key);
      PacketCipher cipher = KeyMaterial.parse(keyMaterial(salt, key, PASSPHRASE)).open(PASSPHRASE, null);

      int sequence = 0x1234567;
      byte[] plain = new byte[1316];
      random.nextBytes(plain);
      byte[] iv = new byte[16];
      System.arraycopy(salt, 0, iv, 0, 14);
      iv[10] ^= (byte) (sequence >>> 24);
      iv[11] ^= (byte) (sequence >>> 16);
      iv[12] ^= (byte) (sequence >>> 8);
      iv[13] ^= (byte) sequence;
      Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
      ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      ByteBuf packet = Unpooled.wrappedBuffer(ctr.doFinal(plain));

      assertThat(cipher.apply(sequence, false, packet, 0, plain.length)).isTrue();
      assertThat(packet.array()).as("AES-%d", keyLength * 8).isEqualTo(plain);
      assertThat(cipher.apply(sequence, true, packet, 0, plain.length)).as("no odd key").isFalse();
    }
  }

  @Test
  void aWrongPassphraseIsTold() throws Exception {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    KeyMaterial km = KeyMaterial.parse(keyMaterial(salt, new byte[16], PASSPHRASE));
    assertThatThrownBy(() -> km.open("another-passphrase", null)).isInstanceOf(KeyMaterial.BadSecretException.class);
  }

  @Test
  void malformedKeyMaterialIsRefused() throws Exception {
    byte[] good = keyMaterial(new byte[16], new byte[16], PASSPHRASE);
    assertThatThrownBy(() -> KeyMaterial.parse(new byte[8])).hasMessageContaining("signature");
    byte[] cut = java.util.Arrays.copyOf(good, 40);
    assertThatThrownBy(() -> KeyMaterial.parse(cut)).hasMessageContaining("too short");
    byte[] cbc = good.clone();
    cbc[8] = 3;
    assertThatThrownBy(() -> KeyMaterial.parse(cbc)).hasMessageContaining("cipher 3");
    byte[] swapped = good.clone();
    for (int i = 0; i < swapped.length; i += 4) {
      for (int j = 0; j < 2; j++) {
        byte t = swapped[i + j];
        swapped[i + j] = swapped[i + 3 - j];
        swapped[i + 3 - j] = t;
      }
    }
    assertThat(KeyMaterial.parse(swapped).message()).as("word-swapped copy put back").isEqualTo(good);
  }
}
