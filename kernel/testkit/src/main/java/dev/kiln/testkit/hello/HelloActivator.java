package dev.kiln.testkit.hello;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.function.Supplier;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Activator of the hello test bundle: registers a {@code Supplier<String>} that returns the
 * bundle's {@value #GREETING_HEADER} manifest header, with the properties
 * {@value #PLUGIN_PROPERTY}={@value #PLUGIN_NAME} and {@value #GREETING_PROPERTY}=the greeting.
 */
public final class HelloActivator implements BundleActivator {

  /** Manifest header that carries the greeting. */
  public static final String GREETING_HEADER = "Kiln-Greeting";
  /** Service property naming the plugin. */
  public static final String PLUGIN_PROPERTY = "kiln.plugin";
  /** Value of {@link #PLUGIN_PROPERTY} on the hello service. */
  public static final String PLUGIN_NAME = "hello";
  /** Service property carrying the greeting. */
  public static final String GREETING_PROPERTY = "kiln.greeting";

  private ServiceRegistration<?> registration;

  @Override
  public void start(BundleContext context) {
    String header = context.getBundle().getHeaders().get(GREETING_HEADER);
    String greeting = header == null ? "" : header;
    Dictionary<String, Object> properties = new Hashtable<>();
    properties.put(PLUGIN_PROPERTY, PLUGIN_NAME);
    properties.put(GREETING_PROPERTY, greeting);
    Supplier<String> supplier = () -> greeting;
    registration = context.registerService(Supplier.class.getName(), supplier, properties);
  }

  @Override
  public void stop(BundleContext context) {
    registration.unregister();
    registration = null;
  }
}
