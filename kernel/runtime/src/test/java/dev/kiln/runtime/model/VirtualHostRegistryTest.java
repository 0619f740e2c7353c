package dev.kiln.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.error.ReadOnlyException;
import dev.kiln.proto.v1.Application;
import dev.kiln.proto.v1.Encodes;
import dev.kiln.proto.v1.Host;
import dev.kiln.proto.v1.OutputProfile;
import dev.kiln.proto.v1.VideoEncode;
import dev.kiln.proto.v1.VirtualHost;
import dev.kiln.runtime.config.DeclaredVirtualHost;
import dev.kiln.runtime.state.SqliteStateStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtualHostRegistryTest {
    @TempDir
    Path dir;

    private static final List<DeclaredVirtualHost> DECLARED = List.of(new DeclaredVirtualHost(
            VirtualHost.newBuilder().setName("default").setHost(Host.newBuilder().addNames("*")).build(),
            List.of(Application.newBuilder().setName("app").build())));

    private static VirtualHost vhost(String name) {
        return VirtualHost.newBuilder().setName(name).setHost(Host.newBuilder().addNames(name + ".example")).build();
    }

    private static OutputProfile bypassProfile(String name) {
        return OutputProfile.newBuilder().setName(name).setOutputStreamName("${OriginStreamName}_" + name)
                .setEncodes(Encodes.newBuilder().addVideos(VideoEncode.newBuilder().setBypass(true))).build();
    }

    @Test
    void declaredEntriesAreReadOnlyWithDefaults() {
        try (var store = SqliteStateStore.open(dir.resolve("k.db"))) {
            var r = VirtualHostRegistry.load(DECLARED, store);
            Application app = r.app("default", "app");
            assertThat(app.getDynamic()).isFalse();
            assertThat(app.getType()).isEqualTo("live");
            assertThat(app.getOutputProfiles().getOutputProfile(0).getName()).isEqualTo("default");
            assertThat(app.getProviders().getFieldsMap()).containsOnlyKeys("ovt", "rtmp", "rtspPull", "srt", "webrtc");
            assertThat(app.getPublishers().getFieldsMap()).containsOnlyKeys("llhls", "ovt", "webrtc");
            assertThatThrownBy(() -> r.deleteVhost("default")).isInstanceOf(ReadOnlyException.class);
            assertThatThrownBy(() -> r.deleteApp("default", "app")).isInstanceOf(ReadOnlyException.class);
            assertThatThrownBy(() -> r.addProfile("default", "app", bypassProfile("p")))
                    .isInstanceOf(ReadOnlyException.class);
        }
    }

    @Test
    void apiChangesPersistAndDeletesStayDeleted() {
        Path db = dir.resolve("k.db");
        try (var store = SqliteStateStore.open(db)) {
            var r = VirtualHostRegistry.load(DECLARED, store);
            r.createVhost(vhost("live"));
            r.createVhost(vhost("gone"));
            r.createApp("live", Application.newBuilder().setName("show").build());
            r.createApp("default", Application.newBuilder().setName("extra").build());
            r.createApp("gone", Application.newBuilder().setName("x").build());
            r.addProfile("live", "show", bypassProfile("copy"));
            r.deleteVhost("gone");
        }
        try (var store = SqliteStateStore.open(db)) {
            var r = VirtualHostRegistry.load(DECLARED, store);
            assertThat(r.vhostNames()).containsExactly("default", "live");
            assertThat(r.vhost("live").getDynamic()).isTrue();
            assertThat(r.appNames("default")).containsExactly("app", "extra");
            assertThat(r.profiles("live", "show")).extracting(OutputProfile::getName).containsExactly("default", "copy");
            assertThat(store.list(VirtualHostRegistry.APP_KIND).keySet()).doesNotContain("gone/x");
        }
    }

    @Test
    void conflictsAndValidation() {
        try (var store = SqliteStateStore.open(dir.resolve("k.db"))) {
            var r = VirtualHostRegistry.load(DECLARED, store);
            assertThatThrownBy(() -> r.createVhost(vhost("default"))).isInstanceOf(ConflictException.class);
            assertThatThrownBy(() -> r.createVhost(VirtualHost.newBuilder().setName("x").build()))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("host.names");
            assertThatThrownBy(() -> r.createApp("default", Application.newBuilder().build()))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("[name] is required");
            assertThatThrownBy(() -> r.createApp("nope", Application.newBuilder().setName("a").build()))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessage("Could not find the virtual host: [nope]");
            assertThatThrownBy(() -> r.app("default", "nope"))
                    .hasMessage("Could not find the application: [default/nope]");
            OutputProfile bad = OutputProfile.newBuilder().setName("p").setOutputStreamName("s")
                    .setEncodes(Encodes.newBuilder().addVideos(VideoEncode.newBuilder().setCodec("h263"))).build();
            r.createApp("default", Application.newBuilder().setName("a").build());
            assertThatThrownBy(() -> r.addProfile("default", "a", bad))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("h263");
        }
    }

    @Test
    void patchMergesProvidersAndRefusesNameAndProfiles() {
        try (var store = SqliteStateStore.open(dir.resolve("k.db"))) {
            var r = VirtualHostRegistry.load(DECLARED, store);
            r.createApp("default", Application.newBuilder().setName("a").build());
            Struct webrtc = Struct.newBuilder().putFields("timeout", Value.newBuilder().setNumberValue(60000).build())
                    .build();
            Application patched = r.patchApp("default", "a", Application.newBuilder()
                    .setProviders(Struct.newBuilder().putFields("webrtc", Value.newBuilder().setStructValue(webrtc).build()))
                    .build());
            assertThat(patched.getProviders().getFieldsMap()).containsKeys("rtmp", "srt", "webrtc");
            assertThat(patched.getProviders().getFieldsOrThrow("webrtc").getStructValue()).isEqualTo(webrtc);
            assertThatThrownBy(() -> r.patchApp("default", "a", Application.newBuilder().setName("b").build()))
                    .hasMessage("Cannot change [name] using this API");
            assertThatThrownBy(() -> r.patchApp("default", "a", Application.newBuilder()
                    .setOutputProfiles(dev.kiln.proto.v1.OutputProfiles.getDefaultInstance()).build()))
                    .hasMessage("Cannot change [outputProfiles] using this API");
        }
    }
}
