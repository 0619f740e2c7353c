package dev.kiln.rtmp.protocol.flv;

import java.io.ByteArrayOutputStream;

/** Builds bitstreams (with Exp-Golomb codes) for parser tests; {@link #nal} adds emulation prevention. */
final class BitWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private int current;
  private int bits;

  BitWriter u(int n, long value) {
    for (int i = n - 1; i >= 0; i--) {
      current = (current << 1) | (int) ((value >>> i) & 1);
      if (++bits == 8) {
        out.write(current);
        current = 0;
        bits = 0;
      }
    }
    return this;
  }

  BitWriter flag(boolean f) {
    return u(1, f ? 1 : 0);
  }

  BitWriter ue(long value) {
    long v = value + 1;
    int length = 64 - Long.numberOfLeadingZeros(v);
    u(length - 1, 0);
    return u(length, v);
  }

  BitWriter se(long value) {
    return ue(value <= 0 ? -2 * value : 2 * value - 1);
  }

  /** Ends the RBSP: a stop bit, then zero bits to the byte boundary. */
  byte[] rbsp() {
    u(1, 1);
    while (bits != 0) {
      u(1, 0);
    }
    return out.toByteArray();
  }

  byte[] bytes() {
    while (bits != 0) {
      u(1, 0);
    }
    return out.toByteArray();
  }

  /** Header bytes followed by the escaped RBSP. */
  static byte[] nal(byte[] header, byte[] rbsp) {
    ByteArrayOutputStream nal = new ByteArrayOutputStream();
    nal.writeBytes(header);
    int zeros = 0;
    for (byte b : rbsp) {
      if (zeros >= 2 && (b & 0xFF) <= 3) {
        nal.write(3);
        zeros = 0;
      }
      nal.write(b);
      zeros = b == 0 ? zeros + 1 : 0;
    }
    return nal.toByteArray();
  }
}
