package dev.kiln.recorder.internal.naming;

import java.time.OffsetDateTime;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file path with OME's macros: {@code ${TransactionId} ${Id} ${StartTime:FORMAT}
 * ${EndTime:FORMAT} ${VirtualHost} ${Application} ${SourceStream} ${Stream} ${Sequence}}.
 * Time formats use {@code YYYY MM DD hh mm ss} (and {@code S} for milliseconds, {@code z}
 * for the offset as {@code +hhmm}); a time macro without a format is {@code YYYYMMDDhhmmss}.
 */
public final class PathTemplate {
    private static final Pattern MACRO = Pattern.compile("\\$\\{([A-Za-z]+)(?::([^}]*))?}");
    private static final Set<String> NAMES = Set.of("TransactionId", "Id", "StartTime", "EndTime", "VirtualHost",
            "Application", "SourceStream", "Stream", "Sequence");
    static final String DEFAULT_TIME_FORMAT = "YYYYMMDDhhmmss";

    private final String template;

    private PathTemplate(String template) {
        this.template = template;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException naming the unknown macro or the unclosed {@code ${}
     */
    public static PathTemplate parse(String template) {
        Matcher m = MACRO.matcher(template);
        while (m.find()) {
            if (!NAMES.contains(m.group(1))) {
                throw new IllegalArgumentException("unknown macro ${" + m.group(1) + "}");
            }
            if (m.group(2) != null && !m.group(1).endsWith("Time")) {
                throw new IllegalArgumentException("${" + m.group(1) + "} takes no format");
            }
        }
        String rest = MACRO.matcher(template).replaceAll("");
        if (rest.contains("${")) {
            throw new IllegalArgumentException("unclosed or malformed ${...} macro");
        }
        return new PathTemplate(template);
    }

    public String template() {
        return template;
    }

    /** The text before the first macro: the part of the path that does not depend on values. */
    public String staticPrefix() {
        int i = template.indexOf("${");
        return i < 0 ? template : template.substring(0, i);
    }

    /** Replaces every macro with its value. */
    public String expand(MacroValues v) {
        Matcher m = MACRO.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "TransactionId" -> v.transactionId();
                case "Id" -> v.id();
                case "StartTime" -> formatTime(v.startTime(), m.group(2));
                case "EndTime" -> formatTime(v.endTime(), m.group(2));
                case "VirtualHost" -> v.vhost();
                case "Application" -> v.app();
                case "SourceStream" -> v.sourceStream();
                case "Stream" -> v.stream();
                case "Sequence" -> Integer.toString(v.sequence());
                default -> throw new IllegalStateException(m.group(1));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String formatTime(OffsetDateTime t, String format) {
        String f = format == null || format.isEmpty() ? DEFAULT_TIME_FORMAT : format;
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < f.length()) {
            if (f.startsWith("YYYY", i)) {
                out.append(String.format("%04d", t.getYear()));
                i += 4;
            } else if (f.startsWith("MM", i)) {
                out.append(String.format("%02d", t.getMonthValue()));
                i += 2;
            } else if (f.startsWith("DD", i)) {
                out.append(String.format("%02d", t.getDayOfMonth()));
                i += 2;
            } else if (f.startsWith("hh", i)) {
                out.append(String.format("%02d", t.getHour()));
                i += 2;
            } else if (f.startsWith("mm", i)) {
                out.append(String.format("%02d", t.getMinute()));
                i += 2;
            } else if (f.startsWith("ss", i)) {
                out.append(String.format("%02d", t.getSecond()));
                i += 2;
            } else if (f.charAt(i) == 'S') {
                out.append(String.format("%03d", t.getNano() / 1_000_000));
                i += 1;
            } else if (f.charAt(i) == 'z') {
                int secs = t.getOffset().getTotalSeconds();
                int abs = Math.abs(secs);
                out.append(secs < 0 ? '-' : '+').append(String.format("%02d%02d", abs / 3600, abs / 60 % 60));
                i += 1;
            } else {
                out.append(f.charAt(i));
                i += 1;
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return template;
    }
}
