package dev.kiln.mpegts;

/** Malformed MPEG-TS input; caught inside the demuxer, which logs it and drops what it spoils. */
final class TsFormatException extends RuntimeException {
  TsFormatException(String message) {
    super(message, null, false, false);
  }
}
