package dev.kiln.recorder.internal.info;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The info XML next to the recordings, in OME's format: {@code <files>} with one
 * {@code <file>} per finished recording. Each update rewrites the whole file under a temporary
 * name and renames it over the old one, so a reader sees the old or the new list, never half.
 */
public final class InfoFile {
    private InfoFile() {
    }

    /** Adds an entry to the info file at {@code path} (created when missing). */
    public static void append(Path path, FileEntry entry) throws IOException {
        List<FileEntry> entries = new ArrayList<>(read(path));
        entries.add(entry);
        write(path, entries);
    }

    /** The entries of an info file; empty when it does not exist. */
    public static List<FileEntry> read(Path path) throws IOException {
        if (!Files.exists(path)) {
            return List.of();
        }
        try (InputStream in = Files.newInputStream(path)) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = f.newDocumentBuilder().parse(in);
            NodeList files = doc.getDocumentElement().getElementsByTagName("file");
            List<FileEntry> out = new ArrayList<>();
            for (int i = 0; i < files.getLength(); i++) {
                Element e = (Element) files.item(i);
                out.add(new FileEntry(text(e, "transactionId"), text(e, "id"), text(e, "metadata"), text(e, "vhost"),
                        text(e, "app"), text(e, "stream"), text(e, "filePath"), number(e, "recordBytes"),
                        number(e, "recordTime"), (int) number(e, "sequence"),
                        Boolean.parseBoolean(text(e, "lastSequence")), text(e, "createdTime"),
                        text(e, "startTime"), text(e, "finishTime")));
            }
            return out;
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("Cannot read the info file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Writes the entries, replacing the file atomically. */
    public static void write(Path path, List<FileEntry> entries) throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<files>\n");
        for (FileEntry f : entries) {
            xml.append("  <file>\n");
            tag(xml, "transactionId", f.transactionId());
            tag(xml, "id", f.id());
            tag(xml, "metadata", f.metadata());
            tag(xml, "vhost", f.vhost());
            tag(xml, "app", f.app());
            tag(xml, "stream", f.stream());
            tag(xml, "filePath", f.filePath());
            tag(xml, "recordBytes", Long.toString(f.recordBytes()));
            tag(xml, "recordTime", Long.toString(f.recordTime()));
            tag(xml, "sequence", Integer.toString(f.sequence()));
            tag(xml, "lastSequence", Boolean.toString(f.lastSequence()));
            tag(xml, "createdTime", f.createdTime());
            tag(xml, "startTime", f.startTime());
            tag(xml, "finishTime", f.finishTime());
            xml.append("  </file>\n");
        }
        xml.append("</files>\n");
        Files.createDirectories(path.toAbsolutePath().getParent());
        Path tmp = path.resolveSibling("." + path.getFileName() + ".tmp");
        Files.writeString(tmp, xml, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void tag(StringBuilder xml, String name, String value) {
        xml.append("    <").append(name).append('>').append(escape(value == null ? "" : value))
                .append("</").append(name).append(">\n");
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String text(Element parent, String name) {
        NodeList l = parent.getElementsByTagName(name);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent();
    }

    private static long number(Element parent, String name) {
        String t = text(parent, name).trim();
        try {
            return t.isEmpty() ? 0 : Long.parseLong(t);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
