package dev.kiln.api.publish;

/**
 * One ID3v2 text frame: {@code TXXX} (user-defined: {@code info} is its description and
 * {@code data} its value) or a text information frame {@code T???} such as {@code TIT2}
 * ({@code data} is its text; {@code info} is unused).
 */
public record Id3Frame(String frameType, String info, String data) {
    public Id3Frame {
        if (frameType == null || !frameType.matches("T[A-Z0-9]{3}")) {
            throw new IllegalArgumentException("frameType must be TXXX or a T??? text frame, got " + frameType);
        }
        info = info == null ? "" : info;
        data = data == null ? "" : data;
    }
}
