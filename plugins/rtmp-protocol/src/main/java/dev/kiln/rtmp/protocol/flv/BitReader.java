package dev.kiln.rtmp.protocol.flv;

/**
 * Reads bits, MSB first, from a byte array, with the Exp-Golomb codes of H.264/H.265 syntax.
 * Reading past the end throws {@link FlvParseException}.
 */
final class BitReader {
  private final byte[] data;
  private final long bitLimit;
  private long bit;

  BitReader(byte[] data) {
    this.data = data;
    this.bitLimit = 8L * data.length;
  }

  int readBits(int n) throws FlvParseException {
    if (n < 0 || n > 32) {
      throw new IllegalArgumentException("bit count " + n);
    }
    if (bit + n > bitLimit) {
      throw new FlvParseException("bitstream ends " + (bit + n - bitLimit) + " bits early");
    }
    long value = 0;
    for (int i = 0; i < n; i++) {
      int b = data[(int) (bit >>> 3)] >>> (7 - (int) (bit & 7)) & 1;
      value = (value << 1) | b;
      bit++;
    }
    return (int) value;
  }

  boolean readFlag() throws FlvParseException {
    return readBits(1) == 1;
  }

  void skipBits(long n) throws FlvParseException {
    if (bit + n > bitLimit) {
      throw new FlvParseException("bitstream ends " + (bit + n - bitLimit) + " bits early");
    }
    bit += n;
  }

  /** Unsigned Exp-Golomb, ue(v); values above 2^31-2 are refused. */
  int readUe() throws FlvParseException {
    int zeros = 0;
    while (readBits(1) == 0) {
      zeros++;
      if (zeros > 31) {
        throw new FlvParseException("Exp-Golomb code longer than 32 bits");
      }
    }
    if (zeros == 0) {
      return 0;
    }
    long value = (1L << zeros) - 1 + (readBits(zeros) & 0xFFFFFFFFL);
    if (value > Integer.MAX_VALUE - 1) {
      throw new FlvParseException("Exp-Golomb value out of range");
    }
    return (int) value;
  }

  /** Signed Exp-Golomb, se(v). */
  int readSe() throws FlvParseException {
    int k = readUe();
    return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
  }

  /** Removes emulation-prevention bytes (00 00 03 → 00 00) from a NAL unit. */
  static byte[] unescape(byte[] nal, int from, int to) {
    byte[] out = new byte[to - from];
    int n = 0;
    int zeros = 0;
    for (int i = from; i < to; i++) {
      int b = nal[i] & 0xFF;
      if (zeros >= 2 && b == 3) {
        zeros = 0;
        continue;
      }
      out[n++] = (byte) b;
      zeros = b == 0 ? zeros + 1 : 0;
    }
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }
}
