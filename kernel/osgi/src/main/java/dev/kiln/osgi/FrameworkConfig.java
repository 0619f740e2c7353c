package dev.kiln.osgi;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.osgi.framework.Constants;

/** The configuration Kiln gives Felix and, through framework properties, FileInstall. */
final class FrameworkConfig {

  /** How often FileInstall looks at the plugins folder, in milliseconds. */
  static final int POLL_MS = 300;

  private FrameworkConfig() {}

  /**
   * A map for {@code FrameworkFactory.newFramework}. Values are strings except {@code
   * felix.log.logger}, which Felix takes as a {@link org.apache.felix.framework.Logger}.
   */
  static Map<String, Object> of(Path pluginsDir, Path storageDir, SystemPackages packages) {
    Map<String, Object> config = new HashMap<>();
    config.put(Constants.FRAMEWORK_STORAGE, storageDir.toAbsolutePath().toString());
    config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
    config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, packages.header());
    config.put("felix.log.logger", new FelixLog());
    config.put("felix.log.level", Integer.toString(FelixLog.felixLevel()));

    config.put("felix.fileinstall.dir", pluginsDir.toAbsolutePath().toString());
    config.put("felix.fileinstall.poll", Integer.toString(POLL_MS));
    config.put("felix.fileinstall.noInitialDelay", "true");
    config.put("felix.fileinstall.bundles.new.start", "true");
    // Only jars: a file being staged under another name is never picked up half-written.
    config.put("felix.fileinstall.filter", ".*\\.jar");
    // Inside the framework storage, so it is cleaned with it (the default is java.io.tmpdir).
    config.put(
        "felix.fileinstall.tmpdir",
        storageDir.resolve("fileinstall").toAbsolutePath().toString());
    config.put("felix.fileinstall.log.default", "jul");
    config.put("felix.fileinstall.log.level", FileInstallLog.fileInstallLevel());
    return config;
  }
}
