package dev.kiln.mpegts;

/**
 * Unwraps 33-bit PES timestamps (90 kHz, wrapping every ~26.5 h) into one continuous 64-bit
 * timeline shared by all tracks of the program: each value becomes the candidate
 * {@code raw + k * 2^33} nearest to the last one seen, so tracks a little apart stay apart.
 */
final class Timeline {
  static final long WRAP = 1L << 33;
  private boolean started;
  private long last;

  long unwrap(long raw) {
    raw &= WRAP - 1;
    if (!started) {
      started = true;
      last = raw;
      return raw;
    }
    long base = last - Math.floorMod(last, WRAP);
    long best = base + raw;
    if (best - last > WRAP / 2) {
      best -= WRAP;
    } else if (last - best > WRAP / 2) {
      best += WRAP;
    }
    last = best;
    return best;
  }
}
