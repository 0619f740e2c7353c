package dev.kiln.api.media;

/** Where a stream lives: virtual host, application and stream name. */
public record StreamKey(String vhost, String app, String name) {
    public StreamKey {
        if (vhost == null || app == null || name == null) {
            throw new IllegalArgumentException("vhost, app and name are required");
        }
    }

    /** The application part, {@code vhost/app}. */
    public String appPath() {
        return vhost + "/" + app;
    }

    @Override
    public String toString() {
        return vhost + "/" + app + "/" + name;
    }
}
