package dev.kiln.runtime.model;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;

/** Protobuf JSON for stored entries: compact on write, tolerant of newer fields on read. */
final class ProtoJson {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private ProtoJson() {}

    static byte[] write(Message m) {
        try {
            return PRINTER.print(m).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("Cannot serialize " + m.getDescriptorForType().getName(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static <T extends Message> T read(byte[] json, Message.Builder builder) throws InvalidProtocolBufferException {
        PARSER.merge(new String(json, StandardCharsets.UTF_8), builder);
        return (T) builder.build();
    }
}
