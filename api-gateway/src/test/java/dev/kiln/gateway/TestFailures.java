package dev.kiln.gateway;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.error.NotImplementedException;
import dev.kiln.api.error.ReadOnlyException;
import dev.kiln.api.error.UpstreamException;

/** Test services fail on purpose for these names, so each error path can be asked for by URL. */
final class TestFailures {

    private TestFailures() {}

    /** The failure a test service raises for {@code name}, or null for a name that works. */
    static RuntimeException forName(String name) {
        switch (name) {
            case "notfound":
                return new NotFoundException("Could not find the application: [default/notfound]");
            case "conflict":
                return new ConflictException("The application already exists: [default/conflict]");
            case "invalid":
                return new InvalidArgumentException("type must be live");
            case "readonly":
                return new ReadOnlyException("The application is read-only: [default/readonly]");
            case "notimpl":
                return new NotImplementedException("Patching providers is not supported");
            case "upstream":
                return new UpstreamException("Could not connect to rtsp://cam/1");
            case "boom":
                return new IllegalStateException("secret internal detail");
            default:
                return null;
        }
    }
}
