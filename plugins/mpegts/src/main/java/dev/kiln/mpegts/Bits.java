package dev.kiln.mpegts;

/** A big-endian bit reader over an RBSP (emulation prevention removed), with Exp-Golomb codes. */
final class Bits {
  private final byte[] data;
  private long pos;

  Bits(byte[] data) {
    this.data = data;
  }

  int read(int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
      if (pos >= 8L * data.length) {
        throw new TsFormatException("bit string ends early");
      }
      int bit = (data[(int) (pos >>> 3)] >>> (7 - (pos & 7))) & 1;
      v = (v << 1) | bit;
      pos++;
    }
    return v;
  }

  boolean flag() {
    return read(1) == 1;
  }

  void skip(long n) {
    pos += n;
  }

  int ue() {
    int zeros = 0;
    while (read(1) == 0) {
      if (++zeros > 31) {
        throw new TsFormatException("Exp-Golomb code too long");
      }
    }
    return zeros == 0 ? 0 : (int) ((1L << zeros) - 1 + Integer.toUnsignedLong(read(zeros)));
  }

  /** The NAL unit's payload from {@code from} with the emulation prevention bytes removed. */
  static byte[] unescape(byte[] nal, int from) {
    byte[] out = new byte[Math.max(0, nal.length - from)];
    int n = 0;
    int zeros = 0;
    for (int i = from; i < nal.length; i++) {
      int b = nal[i] & 0xFF;
      if (zeros >= 2 && b == 3) {
        zeros = 0;
        continue;
      }
      zeros = b == 0 ? zeros + 1 : 0;
      out[n++] = (byte) b;
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
