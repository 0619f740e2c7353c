package dev.kiln.publish.llhls.internal.dump;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The HLSDumpInfo XML of a dump: user data, stream, status and one item per file written.
 * Not thread-safe: used on the dump's executor only.
 */
final class DumpInfo {
    enum Status { Running, Completed, Error }

    private record Item(long seq, OffsetDateTime time, String file) {}

    private final String userData;
    private final String stream;
    private final List<Item> items = new ArrayList<>();
    private Status status = Status.Running;

    DumpInfo(String userData, String stream) {
        this.userData = userData;
        this.stream = stream;
    }

    void add(String file) {
        items.add(new Item(items.size(), OffsetDateTime.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), file));
    }

    void status(Status s) {
        status = s;
    }

    Status status() {
        return status;
    }

    String xml() {
        StringBuilder b = new StringBuilder(256 + items.size() * 128);
        b.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<HLSDumpInfo>\n")
                .append("  <UserData>").append(escape(userData)).append("</UserData>\n")
                .append("  <Stream>").append(escape(stream)).append("</Stream>\n")
                .append("  <Status>").append(status).append("</Status>\n")
                .append("  <Items>\n");
        for (Item i : items) {
            b.append("    <Item>\n      <Seq>").append(i.seq()).append("</Seq>\n      <Time>")
                    .append(i.time().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append("</Time>\n      <File>")
                    .append(escape(i.file())).append("</File>\n    </Item>\n");
        }
        return b.append("  </Items>\n</HLSDumpInfo>\n").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }
}
