package dev.kiln.ingest.srt.internal.server;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Per source address token buckets for handshake packets: each address may send
 * {@code burst} at once and {@code perSecond} after that; the rest are dropped unanswered.
 * The table is bounded: past {@code maxSources} addresses, full buckets are forgotten, and if
 * that is not enough the newest sources share one bucket.
 */
final class RateLimiter {
  private final double perSecond;
  private final double burst;
  private final int maxSources;
  private final Map<InetAddress, double[]> buckets = new HashMap<>();
  private final double[] overflow;

  RateLimiter(double perSecond, double burst, int maxSources) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.maxSources = maxSources;
    this.overflow = new double[] {burst, 0};
  }

  /** True when {@code source} may send one more handshake now. */
  boolean allow(InetAddress source, long nowMicros) {
    double[] bucket = buckets.get(source);
    if (bucket == null) {
      if (buckets.size() >= maxSources) {
        prune(nowMicros);
      }
      if (buckets.size() >= maxSources) {
        bucket = overflow;
      } else {
        bucket = new double[] {burst, nowMicros};
        buckets.put(source, bucket);
      }
    }
    double tokens = Math.min(burst, bucket[0] + (nowMicros - bucket[1]) * perSecond / 1e6);
    bucket[1] = nowMicros;
    if (tokens < 1) {
      bucket[0] = tokens;
      return false;
    }
    bucket[0] = tokens - 1;
    return true;
  }

  private void prune(long nowMicros) {
    for (Iterator<double[]> it = buckets.values().iterator(); it.hasNext(); ) {
      double[] b = it.next();
      if (b[0] + (nowMicros - b[1]) * perSecond / 1e6 >= burst) {
        it.remove();
      }
    }
  }

  int size() {
    return buckets.size();
  }
}
