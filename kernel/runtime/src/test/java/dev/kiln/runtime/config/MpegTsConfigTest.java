package dev.kiln.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.media.StreamKey;
import dev.kiln.api.server.MpegTsInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code mpegts} section of server.yaml: port-to-stream map with ${Port} names. */
class MpegTsConfigTest {
    @TempDir
    Path dir;

    private ServerConfig load(String yaml) throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(Map.of(), dir.resolve("home"), dir.resolve("work")).load(file);
    }

    @Test
    void noneByDefault() throws Exception {
        assertThat(new ConfigLoader(Map.of(), dir, dir).load(null).mpegTsInputs()).isEmpty();
    }

    @Test
    void portsAndRangesExpandTheNameTemplate() throws Exception {
        ServerConfig c = load("""
                mpegts:
                  app: live
                  streams:
                    - name: stream_${Port}
                      ports: 4000-4002,4005/udp
                    - name: cam
                      ports: 5000
                """);
        assertThat(c.mpegTsInputs()).containsExactly(
                new MpegTsInput(4000, new StreamKey("default", "live", "stream_4000")),
                new MpegTsInput(4001, new StreamKey("default", "live", "stream_4001")),
                new MpegTsInput(4002, new StreamKey("default", "live", "stream_4002")),
                new MpegTsInput(4005, new StreamKey("default", "live", "stream_4005")),
                new MpegTsInput(5000, new StreamKey("default", "live", "cam")));
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> load("mpegts: { streams: [ { name: a, ports: 4000-39 } ] }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mpegts.streams[0].ports");
        assertThatThrownBy(() -> load("mpegts: { streams: [ { name: a, ports: x } ] }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mpegts.streams[0].ports");
        assertThatThrownBy(() -> load("mpegts: { streams: [ { ports: 4000 } ] }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mpegts.streams[0].name");
        assertThatThrownBy(() -> load("mpegts: { streams: [ { name: 'a_${Port}', ports: 4000 },"
                + " { name: 'b_${Port}', ports: 3999-4001 } ] }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mpegts.streams[1].ports").hasMessageContaining("4000");
        assertThatThrownBy(() -> load("mpegts: { streams: [ { name: a, ports: 9999 } ] }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SRT port");
        assertThatThrownBy(() -> load("mpegts: { streams: [ { name: a, ports: 4000, port: 1 } ] }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mpegts.streams[0].port");
        assertThatThrownBy(() -> load("mpegts: { streams: [ { name: 'x/${Port}', ports: 4000 } ] }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mpegts.streams[0].name");
        assertThatThrownBy(() -> load("mpegts: { streams: [ { name: a, ports: 1-2000 } ] }"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("1024");
    }
}
