package dev.kiln.push.internal.target;

/** Makes the connection for one attempt of a push; one implementation per protocol family. */
@FunctionalInterface
public interface PushTargetFactory {
    PushTarget create(TargetSpec spec);
}
