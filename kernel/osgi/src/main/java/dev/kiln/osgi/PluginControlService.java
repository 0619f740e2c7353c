package dev.kiln.osgi;

import dev.kiln.proto.v1.ListPluginsRequest;
import dev.kiln.proto.v1.ListPluginsResponse;
import dev.kiln.proto.v1.Plugin;
import dev.kiln.proto.v1.PluginServiceGrpc;
import dev.kiln.proto.v1.RegisteredService;
import io.grpc.stub.StreamObserver;
import java.lang.reflect.Array;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/** {@code kiln.v1.PluginService}: the bundles in the plugin host, with their services. */
public final class PluginControlService extends PluginServiceGrpc.PluginServiceImplBase {

  /** {@code 2026-11-25T07:52:03.123+01:00}, in the server's time zone. */
  private static final DateTimeFormatter LAST_MODIFIED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");

  private final FelixHost host;

  public PluginControlService(FelixHost host) {
    this.host = Objects.requireNonNull(host, "host");
  }

  @Override
  public void listPlugins(
      ListPluginsRequest request, StreamObserver<ListPluginsResponse> responseObserver) {
    ListPluginsResponse.Builder response = ListPluginsResponse.newBuilder();
    Arrays.stream(host.context().getBundles())
        .sorted(Comparator.comparingLong(Bundle::getBundleId))
        .map(PluginControlService::plugin)
        .forEach(response::addPlugins);
    responseObserver.onNext(response.build());
    responseObserver.onCompleted();
  }

  private static Plugin plugin(Bundle bundle) {
    String name = bundle.getHeaders().get(Constants.BUNDLE_NAME);
    return Plugin.newBuilder()
        .setId(bundle.getBundleId())
        .setSymbolicName(Objects.requireNonNullElse(bundle.getSymbolicName(), ""))
        .setVersion(bundle.getVersion().toString())
        .setState(stateName(bundle.getState()))
        .setLocation(bundle.getLocation())
        .setName(Objects.requireNonNullElse(name, ""))
        .setLastModified(lastModified(bundle.getLastModified()))
        .addAllServices(services(bundle))
        .build();
  }

  private static List<RegisteredService> services(Bundle bundle) {
    ServiceReference<?>[] references;
    try {
      references = bundle.getRegisteredServices();
    } catch (IllegalStateException e) {
      return List.of(); // uninstalled while being listed: it registers nothing any more
    }
    List<RegisteredService> services = new ArrayList<>();
    if (references != null) {
      for (ServiceReference<?> reference : references) {
        services.add(service(reference));
      }
      services.sort(Comparator.comparingLong(RegisteredService::getId));
    }
    return services;
  }

  private static RegisteredService service(ServiceReference<?> reference) {
    String[] interfaces = (String[]) reference.getProperty(Constants.OBJECTCLASS);
    RegisteredService.Builder service =
        RegisteredService.newBuilder()
            .setId((Long) reference.getProperty(Constants.SERVICE_ID))
            .addAllInterfaces(Arrays.asList(interfaces));
    for (String key : reference.getPropertyKeys()) {
      if (!key.equals(Constants.OBJECTCLASS) && !key.equals(Constants.SERVICE_ID)) {
        service.putProperties(key, propertyText(reference.getProperty(key)));
      }
    }
    return service.build();
  }

  /** Scalars as {@code String.valueOf}; arrays like collections: {@code [a, b]}. */
  static String propertyText(Object value) {
    if (value == null || !value.getClass().isArray()) {
      return String.valueOf(value);
    }
    List<String> items = new ArrayList<>();
    for (int i = 0; i < Array.getLength(value); i++) {
      items.add(propertyText(Array.get(value, i)));
    }
    return items.toString();
  }

  static String lastModified(long epochMillis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneId.systemDefault())
        .format(LAST_MODIFIED);
  }

  static String stateName(int state) {
    switch (state) {
      case Bundle.INSTALLED:
        return "INSTALLED";
      case Bundle.RESOLVED:
        return "RESOLVED";
      case Bundle.STARTING:
        return "STARTING";
      case Bundle.ACTIVE:
        return "ACTIVE";
      case Bundle.STOPPING:
        return "STOPPING";
      case Bundle.UNINSTALLED:
        return "UNINSTALLED";
      default:
        return "UNKNOWN";
    }
  }
}
