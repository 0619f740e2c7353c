package dev.kiln.dist;

import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Adds the log tail of every Kiln process started by the test class to a failure, so a failing
 * IT shows what the server said.
 */
public class KilnLogOnFailure implements BeforeAllCallback, TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KilnLogOnFailure.class);
    private static final String FIRST = "firstProcess";

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put(FIRST, KilnProcess.started().size());
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withLogs(context, failure);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withLogs(context, failure);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        throw withLogs(context, failure);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        throw withLogs(context, failure);
    }

    private static Throwable withLogs(ExtensionContext context, Throwable failure) {
        Integer first = context.getStore(NS).get(FIRST, Integer.class);
        List<KilnProcess> all = KilnProcess.started();
        for (KilnProcess kiln : all.subList(first == null ? 0 : Math.min(first, all.size()), all.size())) {
            if (failure.getMessage() == null || !failure.getMessage().contains(kiln.logFile().toString())) {
                failure.addSuppressed(new KilnLog(kiln.describe()));
            }
        }
        return failure;
    }

    /** Carries a process log into the failure report; no stack trace of its own. */
    private static final class KilnLog extends Exception {
        private static final long serialVersionUID = 1L;

        KilnLog(String log) {
            super(log, null, false, false);
        }
    }
}
