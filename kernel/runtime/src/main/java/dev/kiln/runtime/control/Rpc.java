package dev.kiln.runtime.control;

import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** Runs a unary call: the value goes to the observer, a thrown exception to onError. */
final class Rpc {
    private Rpc() {}

    static <T> void unary(StreamObserver<T> observer, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        } catch (RuntimeException e) {
            observer.onError(e);
            return;
        }
        observer.onNext(value);
        observer.onCompleted();
    }
}
