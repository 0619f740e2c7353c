package dev.kiln.publish.llhls.internal;

import java.util.List;
import java.util.Map;

/**
 * An application's LL-HLS settings, from its {@code publishers.llhls} object. Every key is
 * optional; OvenMediaEngine's defaults apply.
 *
 * @param partTarget      {@code chunkDuration}: target duration of a part, seconds (default 0.5)
 * @param segmentDuration {@code segmentDuration}: target duration of a segment, seconds; segments
 *                        are cut at the first video key frame after it (default 6)
 * @param segmentCount    {@code segmentCount}: segments listed in a media playlist (default 10)
 * @param partHoldBack    {@code partHoldBack}: PART-HOLD-BACK, seconds, at least 3 parts
 *                        (default 3 × partTarget)
 * @param crossDomains    {@code crossDomains}: origins allowed by CORS; {@code *} allows any
 *                        (default {@code ["*"]})
 */
public record LlhlsSettings(double partTarget, double segmentDuration, int segmentCount, double partHoldBack,
                            List<String> crossDomains) {
    public static final LlhlsSettings DEFAULTS = new LlhlsSettings(0.5, 6, 10, 1.5, List.of("*"));

    public LlhlsSettings {
        if (!(partTarget >= 0.1 && partTarget <= 5)) {
            throw new IllegalArgumentException("publishers.llhls.chunkDuration must be between 0.1 and 5 seconds, got "
                    + partTarget);
        }
        if (!(segmentDuration >= 1 && segmentDuration <= 60) || segmentDuration < partTarget) {
            throw new IllegalArgumentException("publishers.llhls.segmentDuration must be between 1 and 60 seconds"
                    + " and not shorter than chunkDuration, got " + segmentDuration);
        }
        if (segmentCount < 3 || segmentCount > 100) {
            throw new IllegalArgumentException("publishers.llhls.segmentCount must be between 3 and 100, got "
                    + segmentCount);
        }
        if (!(partHoldBack >= 3 * partTarget - 1e-9) || partHoldBack > 60) {
            throw new IllegalArgumentException("publishers.llhls.partHoldBack must be at least 3 × chunkDuration ("
                    + 3 * partTarget + " s) and at most 60, got " + partHoldBack);
        }
        crossDomains = List.copyOf(crossDomains);
    }

    /** Settings from an application's {@code publishers.llhls} JSON object. */
    public static LlhlsSettings from(Map<String, Object> json) {
        double part = number(json, "chunkDuration", DEFAULTS.partTarget);
        double segment = number(json, "segmentDuration", DEFAULTS.segmentDuration);
        double count = number(json, "segmentCount", DEFAULTS.segmentCount);
        if (count != Math.rint(count)) {
            throw new IllegalArgumentException("publishers.llhls.segmentCount must be a whole number, got " + count);
        }
        double holdBack = number(json, "partHoldBack", 3 * part);
        List<String> domains = DEFAULTS.crossDomains;
        Object cd = json.get("crossDomains");
        if (cd != null) {
            if (!(cd instanceof List<?> l) || !l.stream().allMatch(String.class::isInstance)) {
                throw new IllegalArgumentException("publishers.llhls.crossDomains must be an array of strings");
            }
            domains = l.stream().map(String.class::cast).toList();
        }
        return new LlhlsSettings(part, segment, (int) count, holdBack, domains);
    }

    private static double number(Map<String, Object> json, String key, double fallback) {
        Object v = json.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("publishers.llhls." + key + " must be a number, got " + v);
    }

    /** TARGETDURATION: the segment duration rounded up. */
    public int targetDuration() {
        return (int) Math.ceil(segmentDuration - 1e-9);
    }
}
