package dev.kiln.ingest.srt.internal.protocol;

/** A packet that breaks the SRT protocol; the packet is dropped (or the connection refused). */
public final class SrtProtocolException extends Exception {
  public SrtProtocolException(String message) {
    super(message);
  }
}
