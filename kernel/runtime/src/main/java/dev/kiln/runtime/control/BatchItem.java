package dev.kiln.runtime.control;

import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
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

    /** Builds one proto result from an item's outcome; value is null unless the status is 200. */
    interface ResultFactory<V, R> {
        R make(int statusCode, String message, V value);
    }

    /**
     * Creates each item in order and answers one result per item.
     *
     * @throws dev.kiln.api.error.InvalidArgumentException when there is no item at all
     */
    static <I, V, R> List<R> createEach(List<I> items, String what, Function<I, V> create,
                                        ResultFactory<V, R> result) {
        requireItems(items.size(), what);
        List<R> out = new ArrayList<>(items.size());
        for (I item : items) {
            BatchItem<V> b = run(() -> create.apply(item));
            out.add(result.make(b.statusCode(), b.message(), b.value()));
        }
        return out;
    }

    static void requireItems(int count, String what) {
        if (count == 0) {
            throw new InvalidArgumentException("Invalid request: the body must be a JSON array with at least one "
                    + what);
        }
    }
}
