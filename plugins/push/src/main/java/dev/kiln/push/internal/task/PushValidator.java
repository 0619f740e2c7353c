package dev.kiln.push.internal.task;

import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.media.StreamKey;
import dev.kiln.proto.v1.StartPushRequest;
import dev.kiln.push.internal.rtmp.RtmpTargetFactory;
import dev.kiln.push.internal.target.Protocol;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a start request where it enters; every error is a 400 naming the field. Host names
 * are never resolved here (a slow DNS server must not hold the API): a URL counts as pointing
 * at Kiln when its host is a loopback or wildcard address, one of this machine's addresses, the
 * API's bind address or a local name ({@code localhost}, this machine's name).
 */
public final class PushValidator {
    private static final Pattern IP_LITERAL = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}|[0-9a-f:.%]*:[0-9a-f:.%]*");
    private static final Set<String> LOCAL_NAMES = Set.of("localhost", "localhost.localdomain", "ip6-localhost",
            "ip6-loopback");

    private final String apiBind;
    private final int apiPort;

    /**
     * @param apiBind the API's bind address
     * @param apiPort the API's port; a URL to this port on this machine is refused
     */
    public PushValidator(String apiBind, int apiPort) {
        this.apiBind = apiBind == null ? "" : apiBind;
        this.apiPort = apiPort;
    }

    public PushSpec validate(StartPushRequest r) {
        if (r.getId().isBlank()) {
            throw bad("[id] is required");
        }
        if (!r.hasStream() || r.getStream().getName().isBlank()) {
            throw bad("[stream.name] is required");
        }
        if (r.getProtocol().isBlank()) {
            throw bad("[protocol] is required: rtmp, srt or mpegts");
        }
        Protocol protocol = protocol(r.getProtocol());
        if (r.getUrl().isBlank()) {
            throw bad("[url] is required");
        }
        URI url = url(r.getUrl().trim(), protocol);
        String streamKey = "";
        if (protocol == Protocol.RTMP) {
            streamKey = r.hasStreamKey() ? r.getStreamKey().trim() : "";
            if (streamKey.isEmpty()) {
                throw bad("[streamKey] is required for rtmp (the name to publish under)");
            }
        }
        if (protocol == Protocol.RTMP) {
            try {
                RtmpTargetFactory.validate(url, streamKey); // as the RTMP target will read them
            } catch (IllegalArgumentException e) {
                String m = String.valueOf(e.getMessage());
                // The target's messages start with the field ("url: …"); the API brackets it.
                throw bad(m.matches("^\\w+: .*") ? "[" + m.replaceFirst(": ", "] ") : "[url] " + m);
            }
        }
        StreamKey stream = new StreamKey(r.getVhost(), r.getApp(), r.getStream().getName());
        return new PushSpec(r, stream, protocol, url, streamKey, r.getStream().getVariantNamesList(),
                r.getStream().getTrackIdsList());
    }

    private static Protocol protocol(String name) {
        for (Protocol p : Protocol.values()) {
            if (p.apiName().equalsIgnoreCase(name.trim())) {
                return p;
            }
        }
        throw bad("[protocol] must be rtmp, srt or mpegts, got \"" + name + "\"");
    }

    private URI url(String text, Protocol protocol) {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw bad("[url] is not a valid URL (" + e.getMessage() + ")");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean matches = switch (protocol) {
            case RTMP -> scheme.equals("rtmp") || scheme.equals("rtmps");
            case SRT -> scheme.equals("srt");
            case MPEGTS -> scheme.equals("udp");
        };
        if (!matches) {
            String expected = switch (protocol) {
                case RTMP -> "rtmp:// or rtmps://";
                case SRT -> "srt://";
                case MPEGTS -> "udp://";
            };
            throw bad("[url] must start with " + expected + " for protocol " + protocol.apiName() + ", got \""
                    + text + "\"");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw bad("[url] has no host: \"" + text + "\"");
        }
        int port = url.getPort();
        if (port == -1 && protocol != Protocol.RTMP) {
            throw bad("[url] needs a port: " + scheme + "://host:port");
        }
        if (port == -1) {
            port = scheme.equals("rtmps") ? 443 : 1935;
        }
        if (port < 1 || port > 65535) {
            throw bad("[url] has an invalid port " + port);
        }
        if (protocol == Protocol.RTMP && (url.getPath() == null || url.getPath().replace("/", "").isEmpty())) {
            throw bad("[url] needs the application to publish to: " + scheme + "://host[:port]/app");
        }
        if (protocol == Protocol.SRT) {
            String mode = SrtOptions.value(url.getRawQuery(), "mode");
            if (mode != null && !mode.equalsIgnoreCase("caller")) {
                throw bad("[url] SRT push connects as a caller; mode=" + mode + " is not supported");
            }
        }
        if (port == apiPort && isThisMachine(url.getHost())) {
            throw bad("[url] points at Kiln's own API port (" + apiPort + ")");
        }
        return url;
    }

    private boolean isThisMachine(String rawHost) {
        String host = rawHost.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (LOCAL_NAMES.contains(host) || host.endsWith(".localhost") || host.equalsIgnoreCase(apiBind)) {
            return true;
        }
        if (!IP_LITERAL.matcher(host).matches()) {
            try {
                String self = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
                return host.equals(self) || self.startsWith(host + ".");
            } catch (UnknownHostException e) {
                return false;
            }
        }
        try {
            InetAddress a = InetAddress.getByName(host); // a literal: no lookup
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
    }

    private static InvalidArgumentException bad(String message) {
        return new InvalidArgumentException(message);
    }
}
