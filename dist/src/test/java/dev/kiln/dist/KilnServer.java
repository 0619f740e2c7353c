package dev.kiln.dist;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Kiln process shared by the tests of a class: started before the first test, stopped
 * (SIGTERM, at most 5 s) after the last. Register it as
 * {@code @RegisterExtension static final KilnServer KILN = new KilnServer(KilnProcess.builder().name("x"));}.
 */
public final class KilnServer extends KilnLogOnFailure implements AfterAllCallback {
    private final KilnProcess.Builder builder;
    private KilnProcess process;

    public KilnServer(KilnProcess.Builder builder) {
        this.builder = builder;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        super.beforeAll(context);
        process = builder.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (process != null) {
            process.close();
        }
    }

    public KilnProcess process() {
        return process;
    }

    public KilnApi api() {
        return process.api();
    }
}
