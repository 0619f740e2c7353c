package dev.kiln.ingest.srt.internal.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A handshake's control information (48 bytes) and its extension blocks (HSv5).
 *
 * @param version        4 in a caller's induction request, 5 afterwards
 * @param encryption     advertised key length / 8 (0 = none, 2/3/4 = AES-128/192/256)
 * @param extensionField induction: 2 from a caller, the SRT magic 0x4A17 from a listener;
 *                       conclusion: which extension kinds follow ({@link #EXT_HSREQ}, …)
 * @param initialSequence the first data sequence number of the sender
 * @param mtu            maximum transmission unit the peer allows
 * @param flowWindow     maximum flow window size, in packets
 * @param type           {@link #INDUCTION}, {@link #CONCLUSION}, … or a rejection
 *                       ({@code 1000 + reason})
 * @param socketId       the sender's socket id
 * @param cookie         the SYN cookie
 * @param peerIp         16 bytes, the address the sender sees for its peer
 * @param extensions     the extension blocks, in order
 */
public record Handshake(int version, int encryption, int extensionField, int initialSequence,
    int mtu, int flowWindow, int type, int socketId, int cookie, byte[] peerIp,
    List<Extension> extensions) {

  public static final int CIF_SIZE = 48;
  public static final int INDUCTION = 1;
  public static final int WAVEAHAND = 0;
  public static final int CONCLUSION = -1;
  public static final int AGREEMENT = -2;
  /** Rejections are sent as handshake type 1000 + reason. */
  public static final int REJECTION_BASE = 1000;

  public static final int SRT_MAGIC = 0x4A17;
  /** Flags of a conclusion's extension field. */
  public static final int EXT_HSREQ = 0x1;
  public static final int EXT_KMREQ = 0x2;
  public static final int EXT_CONFIG = 0x4;

  /** Extension block types. */
  public static final int CMD_HSREQ = 1;
  public static final int CMD_HSRSP = 2;
  public static final int CMD_KMREQ = 3;
  public static final int CMD_KMRSP = 4;
  public static final int CMD_SID = 5;
  public static final int CMD_CONGESTION = 6;
  public static final int CMD_FILTER = 7;
  public static final int CMD_GROUP = 8;

  /** One extension block: its type and content (a whole number of 32-bit words). */
  public record Extension(int type, byte[] content) {}

  public Handshake {
    peerIp = peerIp == null ? new byte[16] : peerIp;
    extensions = List.copyOf(extensions);
  }

  /** Reads the handshake from a control packet's information (after the 16-byte header). */
  public static Handshake read(ByteBuf cif) throws SrtProtocolException {
    if (cif.readableBytes() < CIF_SIZE) {
      throw new SrtProtocolException("handshake of " + cif.readableBytes() + " bytes, expected at least " + CIF_SIZE);
    }
    int version = cif.readInt();
    int encryption = cif.readUnsignedShort();
    int extensionField = cif.readUnsignedShort();
    int isn = cif.readInt() & SrtPackets.SEQ_MASK;
    int mtu = cif.readInt();
    int window = cif.readInt();
    int type = cif.readInt();
    int socket = cif.readInt();
    int cookie = cif.readInt();
    byte[] ip = new byte[16];
    cif.readBytes(ip);
    List<Extension> extensions = new ArrayList<>();
    while (cif.readableBytes() >= 4) {
      int extType = cif.readUnsignedShort();
      int words = cif.readUnsignedShort();
      if (words * 4 > cif.readableBytes()) {
        throw new SrtProtocolException("handshake extension " + extType + " claims " + words
            + " words, " + cif.readableBytes() + " bytes left");
      }
      byte[] content = new byte[words * 4];
      cif.readBytes(content);
      extensions.add(new Extension(extType, content));
      if (extensions.size() > 16) {
        throw new SrtProtocolException("more than 16 handshake extensions");
      }
    }
    return new Handshake(version, encryption, extensionField, isn, mtu, window, type, socket, cookie, ip, extensions);
  }

  /** Writes the control information and extensions. */
  public void write(ByteBuf out) {
    out.writeInt(version);
    out.writeShort(encryption);
    out.writeShort(extensionField);
    out.writeInt(initialSequence);
    out.writeInt(mtu);
    out.writeInt(flowWindow);
    out.writeInt(type);
    out.writeInt(socketId);
    out.writeInt(cookie);
    out.writeBytes(peerIp, 0, 16);
    for (Extension e : extensions) {
      out.writeShort(e.type());
      out.writeShort(e.content().length / 4);
      out.writeBytes(e.content());
    }
  }

  public int size() {
    int n = CIF_SIZE;
    for (Extension e : extensions) {
      n += 4 + e.content().length;
    }
    return n;
  }

  /** The first extension of a type, or null. */
  public Extension extension(int extType) {
    for (Extension e : extensions) {
      if (e.type() == extType) {
        return e;
      }
    }
    return null;
  }

  /**
   * A string extension (stream id, congestion control name): callers store the text with each
   * 32-bit word's bytes reversed and pad it with zeros; this undoes both.
   */
  public static String text(byte[] content) {
    byte[] out = new byte[content.length];
    for (int i = 0; i + 3 < content.length; i += 4) {
      out[i] = content[i + 3];
      out[i + 1] = content[i + 2];
      out[i + 2] = content[i + 1];
      out[i + 3] = content[i];
    }
    int end = out.length;
    while (end > 0 && out[end - 1] == 0) {
      end--;
    }
    return new String(out, 0, end, StandardCharsets.UTF_8);
  }

  /** The reverse of {@link #text(byte[])}: a string as an extension's content. */
  public static byte[] textContent(String text) {
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[(raw.length + 3) / 4 * 4];
    for (int i = 0; i < raw.length; i++) {
      int word = i / 4 * 4;
      out[word + 3 - i % 4] = raw[i];
    }
    return out;
  }

  /** A handshake with another type, socket id, cookie and extensions (other fields kept). */
  public Handshake reply(int newType, int newSocketId, int newCookie, List<Extension> newExtensions,
      int newExtensionField) {
    return new Handshake(5, 0, newExtensionField, initialSequence, mtu, flowWindow, newType,
        newSocketId, newCookie, peerIp, newExtensions);
  }
}
