package dev.kiln.mpegts;

/** The CRC-32 of MPEG-2 PSI sections (polynomial 0x04C11DB7, no reflection, initial 0xFFFFFFFF). */
final class Crc32Mpeg {
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int c = i << 24;
      for (int j = 0; j < 8; j++) {
        c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
      }
      TABLE[i] = c;
    }
  }

  private Crc32Mpeg() {}

  /** The CRC of {@code length} bytes; 0 over a whole section (CRC field included) means intact. */
  static int of(byte[] b, int off, int length) {
    int crc = 0xFFFFFFFF;
    for (int i = off; i < off + length; i++) {
      crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ b[i]) & 0xFF];
    }
    return crc;
  }
}
