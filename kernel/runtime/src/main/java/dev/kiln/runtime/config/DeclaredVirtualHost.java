package dev.kiln.runtime.config;

import dev.kiln.proto.v1.Application;
import dev.kiln.proto.v1.VirtualHost;
import java.util.List;

/** A virtual host and its applications as declared in conf/server.yaml. */
public record DeclaredVirtualHost(VirtualHost vhost, List<Application> apps) {
    public DeclaredVirtualHost {
        apps = List.copyOf(apps);
    }
}
