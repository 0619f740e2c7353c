package dev.kiln.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private ServerConfig load(Map<String, String> env, String yaml) throws Exception {
        Path file = null;
        if (yaml != null) {
            file = dir.resolve("server.yaml");
            Files.writeString(file, yaml);
        }
        return new ConfigLoader(env, dir.resolve("home"), dir.resolve("work")).load(file);
    }

    @Test
    void embeddedDefaultsMatchTheContract() throws Exception {
        ServerConfig c = load(Map.of(), null);
        assertThat(c.apiPort()).isEqualTo(8081);
        assertThat(c.rtmpPort()).isEqualTo(1935);
        assertThat(c.srtPort()).isEqualTo(9999);
        assertThat(c.httpPort()).isEqualTo(3333);
        assertThat(c.bind()).isEqualTo("0.0.0.0");
        assertThat(c.apiBind()).isEqualTo("127.0.0.1");
        assertThat(c.accessToken()).isEqualTo("kiln-access-token");
        assertThat(c.dataDir()).isEqualTo(dir.resolve("work/data"));
        assertThat(c.pluginsDir()).isEqualTo(dir.resolve("home/plugins"));
        assertThat(c.dumpRoots()).containsExactly(dir.resolve("work/data/dumps"));
        assertThat(c.vhosts()).hasSize(1);
        assertThat(c.vhosts().get(0).vhost().getName()).isEqualTo("default");
        assertThat(c.vhosts().get(0).apps().get(0).getName()).isEqualTo("app");
    }

    @Test
    void dumpRootsAddTheFoldersOfKilnDumpRootsAfterTheDataFolders() throws Exception {
        ServerConfig c = load(Map.of("KILN_DATA_DIR", "/var/kiln", "KILN_DUMP_ROOTS", "/srv/dumps: :rel/d:"), null);
        assertThat(c.dumpRoots()).containsExactly(Path.of("/var/kiln/dumps"), Path.of("/srv/dumps"),
                dir.resolve("work/rel/d"));
    }

    @Test
    void fileThenEnvironment() throws Exception {
        String yaml = """
                server:
                  ports: { api: 9000, rtmp: 1936 }
                  accessToken: from-file
                vhosts:
                  - name: live
                    host: { names: ["live.example.com"] }
                    apps:
                      - name: stage
                        type: live
                """;
        ServerConfig c = load(Map.of("KILN_API_PORT", "9100", "KILN_DATA_DIR", "/var/kiln"), yaml);
        assertThat(c.apiPort()).isEqualTo(9100);
        assertThat(c.rtmpPort()).isEqualTo(1936);
        assertThat(c.accessToken()).isEqualTo("from-file");
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/kiln"));
        assertThat(c.vhosts().get(0).vhost().getHost().getNames(0)).isEqualTo("live.example.com");
        assertThat(c.vhosts().get(0).apps().get(0).getName()).isEqualTo("stage");
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> load(Map.of(), "server:\n  port: 1\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.port");
        assertThatThrownBy(() -> load(Map.of(), "server:\n  ports: { api: abc }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.ports.api");
        assertThatThrownBy(() -> load(Map.of("KILN_RTMP_PORT", "x"), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("KILN_RTMP_PORT");
        assertThatThrownBy(() -> load(Map.of(), "vhosts:\n  - name: v\n    hots: {}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("vhosts[0]").hasMessageContaining("hots");
    }

    @Test
    void exposingTheApiWithTheDefaultTokenIsRefused() throws Exception {
        assertThatThrownBy(() -> load(Map.of("KILN_API_BIND", "0.0.0.0"), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("default access token");
        assertThat(load(Map.of("KILN_API_BIND", "0.0.0.0", "KILN_ACCESS_TOKEN", "s3cret"), null).apiBind())
                .isEqualTo("0.0.0.0");
    }

    @Test
    void srtPassphraseFromFileThenEnvironment() throws Exception {
        assertThat(load(Map.of(), null).srtPassphrase()).isEmpty();
        assertThat(load(Map.of(), "server:\n  srtPassphrase: from-the-file\n").srtPassphrase())
                .isEqualTo("from-the-file");
        assertThat(load(Map.of("KILN_SRT_PASSPHRASE", "from-the-environment"),
                "server:\n  srtPassphrase: from-the-file\n").srtPassphrase()).isEqualTo("from-the-environment");
        assertThatThrownBy(() -> load(Map.of("KILN_SRT_PASSPHRASE", "short"), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("KILN_SRT_PASSPHRASE");
    }
}
