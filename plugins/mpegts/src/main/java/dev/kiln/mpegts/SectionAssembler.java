package dev.kiln.mpegts;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Gathers the PSI sections of one PID (PAT or PMT) from TS payloads, across packets when a
 * section is longer than one, and hands over each complete section whose CRC is intact.
 */
final class SectionAssembler {
  private static final int MAX_SECTION = 1024;
  private final byte[] section = new byte[MAX_SECTION];
  private boolean inSection;
  private int length;
  private int expected = -1;
  private boolean damaged;

  /** @return false when a section was damaged (bad pointer, length or CRC) */
  boolean payload(byte[] b, int from, int to, boolean unitStart, Consumer<byte[]> onSection) {
    damaged = false;
    int i = from;
    if (unitStart) {
      int pointer = b[i] & 0xFF;
      i++;
      if (i + pointer > to) {
        reset();
        return false;
      }
      if (inSection) {
        append(b, i, i + pointer, onSection); // the end of the previous section
      }
      reset();
      i += pointer;
      while (i < to && (b[i] & 0xFF) != 0xFF) {
        inSection = true;
        i += append(b, i, to, onSection);
        if (inSection) {
          break; // continues in the next packet (or was cut short)
        }
      }
    } else if (inSection) {
      append(b, i, to, onSection);
    }
    return !damaged;
  }

  /** Adds bytes to the current section, at most up to its end; returns how many it took. */
  private int append(byte[] b, int from, int to, Consumer<byte[]> onSection) {
    int taken = 0;
    while (inSection && from + taken < to) {
      int want = expected < 0 ? 3 - length : expected - length;
      int n = Math.min(want, to - from - taken);
      System.arraycopy(b, from + taken, section, length, n);
      length += n;
      taken += n;
      if (expected < 0 && length == 3) {
        expected = 3 + (((section[1] & 0x0F) << 8) | (section[2] & 0xFF));
        if (expected < 12 || expected > MAX_SECTION) {
          damaged = true;
          reset();
        }
      } else if (expected > 0 && length == expected) {
        int total = expected;
        reset();
        if (Crc32Mpeg.of(section, 0, total) != 0) {
          damaged = true;
        } else {
          onSection.accept(Arrays.copyOf(section, total));
        }
      }
    }
    return taken;
  }

  void reset() {
    inSection = false;
    length = 0;
    expected = -1;
  }
}
