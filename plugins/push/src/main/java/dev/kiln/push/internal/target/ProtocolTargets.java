package dev.kiln.push.internal.target;

import java.util.EnumMap;
import java.util.Map;

/** Makes each connection with the factory of its protocol. */
public final class ProtocolTargets implements PushTargetFactory {
    private final Map<Protocol, PushTargetFactory> factories;

    public ProtocolTargets(Map<Protocol, PushTargetFactory> factories) {
        this.factories = new EnumMap<>(factories);
    }

    @Override
    public PushTarget create(TargetSpec spec) {
        PushTargetFactory f = factories.get(spec.protocol());
        if (f == null) {
            throw new IllegalStateException("no " + spec.protocol().apiName() + " push in this build");
        }
        return f.create(spec);
    }
}
