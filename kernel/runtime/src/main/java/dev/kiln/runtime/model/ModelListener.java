package dev.kiln.runtime.model;

import dev.kiln.proto.v1.Application;

/**
 * Told after an application was created or changed (settings or output profiles) or removed,
 * outside the registry's lock. Stream handling uses it to restart an application's streams.
 */
public interface ModelListener {
    /** The application was created, or its settings or profiles changed. */
    void applicationChanged(String vhost, Application app);

    /** The application (or its whole virtual host) was deleted. */
    void applicationRemoved(String vhost, String app);
}
