package dev.kiln.mpegts;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an MPEG transport stream into the kernel's tracks and media packets: finds the 188-byte
 * packets (resynchronising on 0x47 after garbage), reads the PAT and the first program's PMT,
 * gathers each supported elementary stream's PES packets (H.264 stream type 0x1B, H.265 0x24,
 * AAC in ADTS 0x0F) and reports access units to a {@link Listener}.
 *
 * <p>Bad input never throws: a damaged packet, section or PES is dropped and logged (WARN the
 * first time for each kind of problem, DEBUG after that). Packets that arrive before the tracks
 * are declared are held (up to {@link #MAX_HELD_PACKETS}) and handed over right after
 * {@link Listener#onTracks}. Not thread-safe: one thread at a time feeds and closes.
 * Exceptions thrown by the listener propagate out of {@link #feed}.
 */
public final class TsDemuxer implements AutoCloseable {
  /** Bytes in a TS packet. */
  public static final int PACKET_SIZE = 188;
  /** Timescale of every track: the 90 kHz of PES timestamps. */
  public static final int TIMESCALE = 90000;
  /** Packets held while waiting for the tracks; the oldest go first when this is reached. */
  static final int MAX_HELD_PACKETS = 2048;
  /**
   * When a stream in the PMT still has no configuration after this much media (90 kHz), the
   * tracks that are known are declared without it.
   */
  static final long DECLARE_AFTER_TICKS = 2L * TIMESCALE;

  private static final Logger LOG = LoggerFactory.getLogger(TsDemuxer.class);
  private static final byte SYNC = 0x47;

  /** Receives what the demuxer finds; called on the feeding thread. */
  public interface Listener {
    /**
     * The program's tracks once PAT/PMT and every elementary stream's configuration are
     * known (H.264 SPS/PPS → avcC, H.265 VPS/SPS/PPS → hvcC, AAC ADTS header →
     * AudioSpecificConfig); called again when they change. Track ids in PMT order from 0,
     * timescale 90000.
     */
    void onTracks(List<Track> tracks);

    /**
     * One access unit: H.264/H.265 converted from Annex B to 4-byte length-prefixed NAL units
     * (parameter sets and AUDs stripped), AAC without ADTS (one packet per AAC frame, pts
     * advanced per frame); pts/dts unwrapped from 33 bits to a continuous 64-bit timeline;
     * keyframe = IDR/IRAP for video, always for audio. Ownership of the packet's payload
     * passes to the listener.
     */
    void onPacket(MediaPacket packet);
  }

  private final String name;
  private final Listener listener;
  private final ByteBufAllocator alloc;
  private final Output output = new Output();
  private final Timeline timeline = new Timeline();
  private final SectionAssembler pat = new SectionAssembler();
  private final SectionAssembler pmt = new SectionAssembler();
  private final Map<Integer, ElementaryStream> streams = new LinkedHashMap<>();
  /** Track id of each stream: its index among the supported streams of the PMT. */
  private final Map<ElementaryStream, Integer> trackIds = new LinkedHashMap<>();
  private final ArrayDeque<MediaPacket> held = new ArrayDeque<>();
  private final List<MediaPacket> found = new ArrayList<>();
  private final Set<String> problemsLogged = new HashSet<>();
  private final Set<Integer> unsupportedLogged = new HashSet<>();

  private byte[] pending = new byte[4 * PACKET_SIZE];
  private int pendingLength;
  private boolean synced;
  private int pmtPid = -1;
  private byte[] lastPmt;
  private boolean tracksDirty;
  private List<Track> declared;
  private boolean closed;
  private long garbageBytes;
  private long problems;
  private long droppedHeld;

  public TsDemuxer(Listener listener) {
    this("", listener);
  }

  /**
   * @param name     names the input in log lines (a stream key, a peer address)
   * @param listener receives tracks and packets
   */
  public TsDemuxer(String name, Listener listener) {
    this(name, listener, ByteBufAllocator.DEFAULT);
  }

  /** As above, with the allocator of the packets' payloads. */
  public TsDemuxer(String name, Listener listener, ByteBufAllocator alloc) {
    if (listener == null || alloc == null) {
      throw new IllegalArgumentException("listener and allocator are required");
    }
    this.name = name == null || name.isEmpty() ? "MPEG-TS" : "MPEG-TS " + name;
    this.listener = listener;
    this.alloc = alloc;
  }

  /**
   * Feeds bytes in any alignment (188-byte TS packets; resyncs on 0x47 after garbage). Reads
   * the buffer's readable bytes without moving its reader index. Does not retain or release buf.
   */
  public void feed(ByteBuf buf) {
    if (closed) {
      return;
    }
    int n = buf.readableBytes();
    if (pendingLength + n > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pendingLength + n, pending.length * 2));
    }
    buf.getBytes(buf.readerIndex(), pending, pendingLength, n);
    pendingLength += n;
    int p = 0;
    long skipped = 0;
    try {
      while (pendingLength - p >= PACKET_SIZE) {
        if (pending[p] != SYNC) {
          synced = false;
          p++;
          skipped++;
          continue;
        }
        if (!synced) {
          if (pendingLength - p < 2 * PACKET_SIZE) {
            break; // wait for the next packet's sync byte before trusting this one
          }
          if (pending[p + PACKET_SIZE] != SYNC) {
            p++;
            skipped++;
            continue;
          }
          synced = true;
        }
        int at = p;
        p += PACKET_SIZE;
        try {
          packet(pending, at);
        } catch (RuntimeException e) {
          // Only parsing runs here (the listener is called from deliver()): a damaged packet.
          problem("damaged packet: " + (e instanceof TsFormatException ? e.getMessage() : e.toString()));
        }
        deliver();
      }
    } finally {
      if (skipped > 0) {
        garbageBytes += skipped;
        problem("bytes outside TS packets skipped (" + garbageBytes + " so far)");
      }
      System.arraycopy(pending, p, pending, 0, pendingLength - p);
      pendingLength -= p;
      if (pending.length > 64 * PACKET_SIZE && pendingLength < 4 * PACKET_SIZE) {
        pending = Arrays.copyOf(pending, 4 * PACKET_SIZE);
      }
    }
  }

  /**
   * Hands over the PES packets still open (their end is the end of the input) and any packets
   * held for want of tracks are dropped. The demuxer stays usable.
   */
  public void flush() {
    if (closed) {
      return;
    }
    for (ElementaryStream s : streams.values()) {
      try {
        s.finish(output);
      } catch (RuntimeException e) {
        problem("damaged PES at the end: " + (e instanceof TsFormatException ? e.getMessage() : e.toString()));
      }
    }
    deliver();
  }

  /** Releases what is buffered (partial PES, held packets). Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    releaseAll(held);
    releaseAll(found);
    streams.values().forEach(ElementaryStream::reset);
    pendingLength = 0;
    if (garbageBytes > 0 || problems > 0 || droppedHeld > 0) {
      LOG.debug("{}: closed after {} garbage bytes, {} problems, {} packets dropped waiting for tracks",
          name, garbageBytes, problems, droppedHeld);
    }
  }

  /** The tracks declared last, or an empty list before the first {@link Listener#onTracks}. */
  public List<Track> tracks() {
    return declared == null ? List.of() : declared;
  }

  /** Bytes skipped because they were not part of a TS packet. */
  public long garbageBytes() {
    return garbageBytes;
  }

  /** Damaged or unusable pieces of input seen (packets, sections, PES, frames). */
  public long problems() {
    return problems;
  }

  // ---- TS packets ----

  private void packet(byte[] b, int off) {
    int pid = ((b[off + 1] & 0x1F) << 8) | (b[off + 2] & 0xFF);
    if ((b[off + 1] & 0x80) != 0) {
      problem("PID " + pid + ": packet flagged as erroneous by the transport");
      ElementaryStream s = streams.get(pid);
      if (s != null) {
        s.drop();
      }
      return;
    }
    if (pid == 0x1FFF) {
      return;
    }
    boolean unitStart = (b[off + 1] & 0x40) != 0;
    int control = (b[off + 3] >>> 4) & 3;
    int cc = b[off + 3] & 0x0F;
    if ((b[off + 3] & 0xC0) != 0) {
      problem("PID " + pid + ": scrambled packets are not supported");
      return;
    }
    int pos = off + 4;
    int end = off + PACKET_SIZE;
    boolean discontinuity = false;
    if (control == 2 || control == 3) {
      int afLength = b[pos] & 0xFF;
      if (afLength > 0) {
        discontinuity = (b[pos + 1] & 0x80) != 0;
      }
      pos += 1 + afLength;
      if (pos > end) {
        throw new TsFormatException("PID " + pid + ": adaptation field of " + afLength + " bytes");
      }
    }
    if (control == 0 || control == 2 || pos == end) {
      return; // no payload
    }
    if (pid == 0) {
      if (!pat.payload(b, pos, end, unitStart, this::onPat)) {
        problem("damaged PAT section");
      }
      return;
    }
    if (pid == pmtPid) {
      if (!pmt.payload(b, pos, end, unitStart, this::onPmt)) {
        problem("damaged PMT section");
      }
      return;
    }
    ElementaryStream s = streams.get(pid);
    if (s == null) {
      return;
    }
    if (s.lastCc >= 0 && !discontinuity) {
      if (cc == s.lastCc) {
        return; // a duplicate packet
      }
      if (cc != ((s.lastCc + 1) & 0x0F)) {
        problem("PID " + pid + ": continuity counter jumped (packets lost); the unit in progress is dropped");
        s.drop();
      }
    }
    s.lastCc = cc;
    s.payload(b, pos, end, unitStart, output);
  }

  // ---- PSI ----

  private void onPat(byte[] section) {
    if (section[0] != 0x00) {
      return;
    }
    int end = section.length - 4;
    for (int i = 8; i + 4 <= end; i += 4) {
      int program = ((section[i] & 0xFF) << 8) | (section[i + 1] & 0xFF);
      int pid = ((section[i + 2] & 0x1F) << 8) | (section[i + 3] & 0xFF);
      if (program != 0) {
        if (pid != pmtPid) {
          if (pmtPid >= 0) {
            LOG.info("{}: program {} now has its PMT on PID {}", name, program, pid);
          }
          pmtPid = pid;
          pmt.reset();
          lastPmt = null;
        }
        return; // the first program only
      }
    }
  }

  private void onPmt(byte[] section) {
    if (section[0] != 0x02) {
      return;
    }
    // The elementary stream loop decides; version and CRC alone do not.
    int programInfoLength = ((section[10] & 0x0F) << 8) | (section[11] & 0xFF);
    int end = section.length - 4;
    int i = 12 + programInfoLength;
    if (i > end) {
      problem("PMT program info longer than its section");
      return;
    }
    byte[] loop = Arrays.copyOfRange(section, i, end);
    if (Arrays.equals(loop, lastPmt)) {
      return;
    }
    Map<Integer, ElementaryStream> next = new LinkedHashMap<>();
    while (i + 5 <= end) {
      int type = section[i] & 0xFF;
      int pid = ((section[i + 1] & 0x1F) << 8) | (section[i + 2] & 0xFF);
      int infoLength = ((section[i + 3] & 0x0F) << 8) | (section[i + 4] & 0xFF);
      i += 5 + infoLength;
      if (i > end) {
        problem("PMT stream entry longer than its section");
        return;
      }
      ElementaryStream old = streams.get(pid);
      if (old != null && old.streamType == type) {
        next.put(pid, old);
        continue;
      }
      ElementaryStream created = create(pid, type);
      if (created != null) {
        next.put(pid, created);
      }
    }
    lastPmt = loop;
    for (ElementaryStream s : streams.values()) {
      if (next.get(s.pid) != s) {
        s.reset();
      }
    }
    streams.clear();
    streams.putAll(next);
    trackIds.clear();
    int id = 0;
    for (ElementaryStream s : streams.values()) {
      trackIds.put(s, id++);
    }
    LOG.info("{}: program streams {}", name, describeStreams());
    tracksDirty = true;
  }

  private ElementaryStream create(int pid, int type) {
    switch (type) {
      case 0x1B:
        return new VideoStream(pid, type, Codec.H264);
      case 0x24:
        return new VideoStream(pid, type, Codec.H265);
      case 0x0F:
        return new AdtsStream(pid, type);
      default:
        if (unsupportedLogged.add(type)) {
          LOG.warn("{}: PID {} has stream type 0x{}, which is not supported; dropping it",
              name, pid, Integer.toHexString(type));
        }
        return null;
    }
  }

  private String describeStreams() {
    List<String> out = new ArrayList<>();
    for (ElementaryStream s : streams.values()) {
      out.add("PID " + s.pid + " " + s.codec);
    }
    return out.toString();
  }

  // ---- tracks and delivery ----

  /** Declares tracks when due, then hands over the packets found (or holds them). */
  private void deliver() {
    if (tracksDirty || (declared == null && !held.isEmpty())) {
      declareIfReady();
    }
    if (found.isEmpty()) {
      return;
    }
    List<MediaPacket> batch = new ArrayList<>(found);
    found.clear();
    if (declared == null) {
      for (MediaPacket p : batch) {
        hold(p);
      }
      declareIfReady();
      return;
    }
    send(batch);
  }

  private void declareIfReady() {
    List<Track> known = new ArrayList<>();
    boolean all = true;
    for (Map.Entry<ElementaryStream, Integer> e : trackIds.entrySet()) {
      Track t = e.getKey().track();
      if (t == null) {
        all = false;
      } else {
        known.add(t.withIdAndName(e.getValue(), ""));
      }
    }
    if (known.isEmpty()) {
      return;
    }
    if (declared == null && !all && heldSpan() < DECLARE_AFTER_TICKS) {
      return;
    }
    tracksDirty = false;
    if (known.equals(declared)) {
      return;
    }
    if (declared == null && !all) {
      LOG.warn("{}: declaring {} without the streams whose configuration never came", name, known);
    }
    declared = List.copyOf(known);
    listener.onTracks(declared);
    if (!held.isEmpty()) {
      List<MediaPacket> batch = new ArrayList<>(held);
      held.clear();
      send(batch);
    }
  }

  private void send(List<MediaPacket> batch) {
    int i = 0;
    try {
      for (; i < batch.size(); i++) {
        MediaPacket p = batch.get(i);
        if (isDeclared(p.trackId())) {
          listener.onPacket(p);
        } else {
          p.payload().release();
        }
      }
    } finally {
      for (i++; i < batch.size(); i++) {
        batch.get(i).payload().release();
      }
    }
  }

  private boolean isDeclared(int trackId) {
    for (Track t : declared) {
      if (t.id() == trackId) {
        return true;
      }
    }
    return false;
  }

  private void hold(MediaPacket p) {
    if (held.size() >= MAX_HELD_PACKETS) {
      held.removeFirst().payload().release();
      droppedHeld++;
    }
    held.addLast(p);
  }

  private long heldSpan() {
    if (held.size() < 2) {
      return 0;
    }
    return held.peekLast().dts() - held.peekFirst().dts();
  }

  private static void releaseAll(java.util.Collection<MediaPacket> packets) {
    for (MediaPacket p : packets) {
      p.payload().release();
    }
    packets.clear();
  }

  private void problem(String what) {
    problems++;
    if (problemsLogged.size() < 64 && problemsLogged.add(kindOf(what))) {
      LOG.warn("{}: {} (logged once; later ones at DEBUG)", name, what);
    } else {
      LOG.debug("{}: {}", name, what);
    }
  }

  /** The problem's text without its numbers: one WARN per kind. */
  private static String kindOf(String what) {
    StringBuilder kind = new StringBuilder(what.length());
    for (int i = 0; i < what.length(); i++) {
      char c = what.charAt(i);
      if (c < '0' || c > '9') {
        kind.append(c);
      }
    }
    return kind.toString();
  }

  /** What the elementary streams report into. */
  private final class Output implements ElementaryStream.Output {
    @Override
    public ByteBufAllocator alloc() {
      return alloc;
    }

    @Override
    public void packet(ElementaryStream stream, long pts, long dts, boolean keyframe, ByteBuf payload) {
      Integer id = trackIds.get(stream);
      if (id == null) {
        payload.release();
        return;
      }
      found.add(new MediaPacket(id, pts, dts, keyframe, new ByteBufPayload(payload)));
    }

    @Override
    public void trackChanged(ElementaryStream stream) {
      tracksDirty = true;
    }

    @Override
    public void problem(String what) {
      TsDemuxer.this.problem(what);
    }

    @Override
    public long unwrap(long raw33) {
      return timeline.unwrap(raw33);
    }
  }
}
