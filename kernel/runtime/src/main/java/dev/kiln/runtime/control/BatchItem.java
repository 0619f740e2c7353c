package dev.kiln.runtime.control;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import java.util.function.Supplier;

/**
 * Outcome of one item of a batch create: 200 with the created value, 409 for a duplicate,
 * 400 for an invalid item. Other failures (e.g. the store cannot write) abort the batch.
 */
record BatchItem<T>(int statusCode, String message, T value) {

    static <T> BatchItem<T> run(Supplier<T> create) {
        try {
            return new BatchItem<>(200, "OK", create.get());
        } catch (ConflictException e) {
            return new BatchItem<>(409, e.getMessage(), null);
        } catch (InvalidArgumentException e) {
            return new BatchItem<>(400, e.getMessage(), null);
        }
    }

    static void requireItems(int count, String what) {
        if (count == 0) {
            throw new InvalidArgumentException("Invalid request: the body must be a JSON array with at least one "
                    + what);
        }
    }
}
