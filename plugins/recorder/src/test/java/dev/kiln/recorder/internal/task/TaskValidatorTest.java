package dev.kiln.recorder.internal.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.storage.StorageRoots;
import dev.kiln.proto.v1.StartRecordRequest;
import dev.kiln.proto.v1.StreamSelector;
import dev.kiln.recorder.internal.mux.Container;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskValidatorTest {
    @TempDir
    Path dir;

    private TaskSpec validate(StartRecordRequest.Builder b) {
        return new TaskValidator(new StorageRoots("record folders", List.of(dir.resolve("records")))).validate(b.build());
    }

    private static StartRecordRequest.Builder request() {
        return StartRecordRequest.newBuilder().setVhost("default").setApp("app").setId("r1")
                .setStream(StreamSelector.newBuilder().setName("s"));
    }

    @Test
    void defaultsFollowOme() {
        TaskSpec spec = validate(request());
        assertThat(spec.container()).isEqualTo(Container.TS);
        assertThat(spec.rule()).isEqualTo(SegmentationRule.DISCONTINUITY);
        assertThat(spec.filePath().template()).isEqualTo(dir.resolve("records/default/app/"
                + "${TransactionId}_${VirtualHost}_${Application}_${Stream}_${StartTime:YYYYMMDDhhmmss}"
                + "_${EndTime:YYYYMMDDhhmmss}.ts").toString());
        assertThat(spec.infoPath().template()).endsWith(".xml");
    }

    @Test
    void requiredFieldsAreNamed() {
        assertThatThrownBy(() -> validate(request().setId(""))).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("[id]");
        assertThatThrownBy(() -> validate(request().clearStream())).hasMessageContaining("[stream.name]");
        assertThatThrownBy(() -> validate(request().setStream(StreamSelector.newBuilder())))
                .hasMessageContaining("[stream.name]");
    }

    @Test
    void intervalAndScheduleExcludeEachOther() {
        assertThatThrownBy(() -> validate(request().setInterval(1000).setSchedule("*/5 * *")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("[interval] and [schedule]");
        assertThatThrownBy(() -> validate(request().setInterval(0))).hasMessageContaining("[interval]");
    }

    @Test
    void malformedScheduleNamesTheField() {
        assertThatThrownBy(() -> validate(request().setSchedule("70 * *")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("[schedule]");
        assertThat(validate(request().setSchedule("*/5 * *")).schedule()).isNotNull();
    }

    @Test
    void pathsThatEscapeTheRecordFolderNameTheField() {
        assertThatThrownBy(() -> validate(request().setFilePath("../x.ts"))).hasMessageContaining("[filePath]");
        assertThatThrownBy(() -> validate(request().setFilePath("/tmp/x.ts"))).hasMessageContaining("[filePath]");
        assertThatThrownBy(() -> validate(request().setInfoPath("a/../../x.xml"))).hasMessageContaining("[infoPath]");
        assertThatThrownBy(() -> validate(request().setFilePath("x.flv"))).hasMessageContaining(".ts or .mp4");
        assertThatThrownBy(() -> validate(request().setFilePath("x_${Bogus}.ts"))).hasMessageContaining("${Bogus}");
        assertThat(validate(request().setFilePath("x/${Sequence}.mp4")).container()).isEqualTo(Container.MP4);
    }

    @Test
    void unknownSegmentationRuleIsRefused() {
        assertThatThrownBy(() -> validate(request().setSegmentationRule("sometimes")))
                .hasMessageContaining("[segmentationRule]");
        assertThat(validate(request().setSegmentationRule("continuity")).rule()).isEqualTo(SegmentationRule.CONTINUITY);
    }
}
