package dev.kiln.runtime.model;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import dev.kiln.api.error.ConflictException;
import dev.kiln.api.error.InvalidArgumentException;
import dev.kiln.api.error.NotFoundException;
import dev.kiln.api.error.ReadOnlyException;
import dev.kiln.api.state.StateStore;
import dev.kiln.proto.v1.Application;
import dev.kiln.proto.v1.OutputProfile;
import dev.kiln.proto.v1.OutputProfiles;
import dev.kiln.proto.v1.VirtualHost;
import dev.kiln.runtime.config.ConfigException;
import dev.kiln.runtime.config.DeclaredVirtualHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model of virtual hosts, their applications and the applications' output profiles.
 * Entries declared in the configuration file are read-only ({@code dynamic: false}); entries
 * made through the API are written to the {@link StateStore} before the change is visible, so
 * a call that returns has been persisted, and a failed write changes nothing.
 */
public final class VirtualHostRegistry {
    private static final Logger log = LoggerFactory.getLogger(VirtualHostRegistry.class);
    static final String VHOST_KIND = "vhost";
    static final String APP_KIND = "app";

    private final StateStore store;
    private final Map<String, VhostEntry> vhosts = new LinkedHashMap<>();
    private final List<ModelListener> listeners = new CopyOnWriteArrayList<>();

    private static final class VhostEntry {
        VirtualHost vhost;
        final Map<String, Application> apps = new LinkedHashMap<>();

        VhostEntry(VirtualHost vhost) {
            this.vhost = vhost;
        }
    }

    private VirtualHostRegistry(StateStore store) {
        this.store = store;
    }

    /**
     * Builds the model from the declared entries and what the store holds. Stored entries
     * that clash with declared ones, or whose virtual host is gone, are skipped with a warning.
     */
    public static VirtualHostRegistry load(List<DeclaredVirtualHost> declared, StateStore store) {
        VirtualHostRegistry r = new VirtualHostRegistry(store);
        for (DeclaredVirtualHost d : declared) {
            try {
                ModelValidator.checkVirtualHost(d.vhost());
                if (r.vhosts.containsKey(d.vhost().getName())) {
                    throw new InvalidArgumentException("virtual host [" + d.vhost().getName() + "] is declared twice");
                }
                VhostEntry e = new VhostEntry(d.vhost().toBuilder().setDynamic(false).build());
                for (Application a : d.apps()) {
                    ModelValidator.checkApplication(a);
                    if (e.apps.containsKey(a.getName())) {
                        throw new InvalidArgumentException("application [" + d.vhost().getName() + "/" + a.getName()
                                + "] is declared twice");
                    }
                    e.apps.put(a.getName(), AppDefaults.apply(a).toBuilder().setDynamic(false).build());
                }
                r.vhosts.put(d.vhost().getName(), e);
            } catch (InvalidArgumentException ex) {
                throw new ConfigException("vhosts: " + ex.getMessage(), ex);
            }
        }
        r.loadStored();
        return r;
    }

    private void loadStored() {
        for (var stored : store.list(VHOST_KIND).entrySet()) {
            try {
                VirtualHost v = ProtoJson.read(stored.getValue(), VirtualHost.newBuilder());
                if (vhosts.containsKey(v.getName())) {
                    log.warn("Stored virtual host [{}] is also declared in the configuration: the declared one is used",
                            v.getName());
                    continue;
                }
                vhosts.put(v.getName(), new VhostEntry(v.toBuilder().setDynamic(true).build()));
            } catch (InvalidProtocolBufferException e) {
                log.warn("Skipping unreadable stored virtual host [{}]: {}", stored.getKey(), e.getMessage());
            }
        }
        for (var stored : store.list(APP_KIND).entrySet()) {
            String key = stored.getKey();
            int slash = key.indexOf('/');
            VhostEntry v = slash < 0 ? null : vhosts.get(key.substring(0, slash));
            try {
                Application a = ProtoJson.read(stored.getValue(), Application.newBuilder());
                if (v == null) {
                    log.warn("Skipping stored application [{}]: its virtual host no longer exists", key);
                } else if (v.apps.containsKey(a.getName())) {
                    log.warn("Stored application [{}] is also declared in the configuration: the declared one is used",
                            key);
                } else {
                    v.apps.put(a.getName(), a.toBuilder().setDynamic(true).build());
                }
            } catch (InvalidProtocolBufferException e) {
                log.warn("Skipping unreadable stored application [{}]: {}", key, e.getMessage());
            }
        }
        int apps = vhosts.values().stream().mapToInt(e -> e.apps.size()).sum();
        log.info("Model loaded: {} virtual host(s), {} application(s)", vhosts.size(), apps);
    }

    /** Registers a listener for application changes (stream handling reacts to them). */
    public void addListener(ModelListener l) {
        listeners.add(l);
    }

    // ---- virtual hosts ----

    public synchronized List<String> vhostNames() {
        return List.copyOf(vhosts.keySet());
    }

    public synchronized List<VirtualHost> vhosts() {
        return vhosts.values().stream().map(e -> e.vhost).toList();
    }

    public synchronized VirtualHost vhost(String name) {
        return entry(name).vhost;
    }

    public synchronized VirtualHost createVhost(VirtualHost request) {
        ModelValidator.checkVirtualHost(request);
        if (vhosts.containsKey(request.getName())) {
            throw new ConflictException("Conflict");
        }
        VirtualHost v = request.toBuilder().setDynamic(true).build();
        store.put(VHOST_KIND, v.getName(), ProtoJson.write(v.toBuilder().clearDynamic().build()));
        vhosts.put(v.getName(), new VhostEntry(v));
        log.info("Virtual host [{}] created", v.getName());
        return v;
    }

    public void deleteVhost(String name) {
        List<String> removedApps;
        synchronized (this) {
            VhostEntry e = entry(name);
            if (!e.vhost.getDynamic()) {
                throw new ReadOnlyException("The virtual host [" + name
                        + "] is declared in the configuration file and cannot be deleted through the API");
            }
            store.deletePrefix(APP_KIND, name + "/");
            store.delete(VHOST_KIND, name);
            vhosts.remove(name);
            removedApps = new ArrayList<>(e.apps.keySet());
            log.info("Virtual host [{}] deleted with {} application(s)", name, removedApps.size());
        }
        for (String app : removedApps) {
            listeners.forEach(l -> l.applicationRemoved(name, app));
        }
    }

    // ---- applications ----

    public synchronized List<String> appNames(String vhost) {
        return List.copyOf(entry(vhost).apps.keySet());
    }

    public synchronized List<Application> apps(String vhost) {
        return List.copyOf(entry(vhost).apps.values());
    }

    public synchronized Application app(String vhost, String app) {
        Application a = entry(vhost).apps.get(app);
        if (a == null) {
            throw appNotFound(vhost, app);
        }
        return a;
    }

    public Application createApp(String vhost, Application request) {
        Application a;
        synchronized (this) {
            VhostEntry e = entry(vhost);
            ModelValidator.checkApplication(request);
            if (e.apps.containsKey(request.getName())) {
                throw new ConflictException("Conflict");
            }
            a = AppDefaults.apply(request).toBuilder().setDynamic(true).build();
            storeApp(vhost, a);
            e.apps.put(a.getName(), a);
            log.info("Application [{}/{}] created", vhost, a.getName());
        }
        Application created = a;
        listeners.forEach(l -> l.applicationChanged(vhost, created));
        return a;
    }

    /**
     * Changes type, providers or publishers. Providers and publishers merge key by key: a
     * key given in the patch replaces that key's settings, other keys stay.
     */
    public Application patchApp(String vhost, String app, Application patch) {
        if (patch.hasName()) {
            throw new InvalidArgumentException("Cannot change [name] using this API");
        }
        if (patch.hasOutputProfiles()) {
            throw new InvalidArgumentException("Cannot change [outputProfiles] using this API");
        }
        if (patch.hasType() && !"live".equals(patch.getType())) {
            throw new InvalidArgumentException("[type] must be \"live\", got \"" + patch.getType() + "\"");
        }
        Application updated;
        synchronized (this) {
            Application current = writableApp(vhost, app);
            Application.Builder b = current.toBuilder();
            if (patch.hasType()) {
                b.setType(patch.getType());
            }
            if (patch.hasProviders()) {
                b.setProviders(merge(current.getProviders(), patch.getProviders()));
            }
            if (patch.hasPublishers()) {
                b.setPublishers(merge(current.getPublishers(), patch.getPublishers()));
            }
            updated = b.build();
            storeApp(vhost, updated);
            entry(vhost).apps.put(app, updated);
            log.info("Application [{}/{}] changed", vhost, app);
        }
        Application changed = updated;
        listeners.forEach(l -> l.applicationChanged(vhost, changed));
        return updated;
    }

    public void deleteApp(String vhost, String app) {
        synchronized (this) {
            writableApp(vhost, app);
            store.delete(APP_KIND, vhost + "/" + app);
            entry(vhost).apps.remove(app);
            log.info("Application [{}/{}] deleted", vhost, app);
        }
        listeners.forEach(l -> l.applicationRemoved(vhost, app));
    }

    // ---- output profiles ----

    public synchronized List<OutputProfile> profiles(String vhost, String app) {
        return app(vhost, app).getOutputProfiles().getOutputProfileList();
    }

    public synchronized OutputProfile profile(String vhost, String app, String profile) {
        return profiles(vhost, app).stream()
                .filter(p -> p.getName().equals(profile))
                .findFirst()
                .orElseThrow(() -> new NotFoundException(
                        "Could not find the output profile: [" + vhost + "/" + app + "/" + profile + "]"));
    }

    public OutputProfile addProfile(String vhost, String app, OutputProfile profile) {
        Application updated;
        synchronized (this) {
            Application current = writableApp(vhost, app);
            ModelValidator.checkProfile(profile);
            boolean exists = current.getOutputProfiles().getOutputProfileList().stream()
                    .anyMatch(p -> p.getName().equals(profile.getName()));
            if (exists) {
                throw new ConflictException("Conflict");
            }
            updated = current.toBuilder()
                    .setOutputProfiles(current.getOutputProfiles().toBuilder().addOutputProfile(profile))
                    .build();
            storeApp(vhost, updated);
            entry(vhost).apps.put(app, updated);
            log.info("Output profile [{}/{}/{}] added", vhost, app, profile.getName());
        }
        Application changed = updated;
        listeners.forEach(l -> l.applicationChanged(vhost, changed));
        return profile;
    }

    public void deleteProfile(String vhost, String app, String profile) {
        Application updated;
        synchronized (this) {
            Application current = writableApp(vhost, app);
            profile(vhost, app, profile);
            List<OutputProfile> kept = current.getOutputProfiles().getOutputProfileList().stream()
                    .filter(p -> !p.getName().equals(profile))
                    .toList();
            updated = current.toBuilder()
                    .setOutputProfiles(OutputProfiles.newBuilder().addAllOutputProfile(kept))
                    .build();
            storeApp(vhost, updated);
            entry(vhost).apps.put(app, updated);
            log.info("Output profile [{}/{}/{}] deleted", vhost, app, profile);
        }
        Application changed = updated;
        listeners.forEach(l -> l.applicationChanged(vhost, changed));
    }

    // ---- helpers ----

    private VhostEntry entry(String vhost) {
        VhostEntry e = vhosts.get(vhost);
        if (e == null) {
            throw new NotFoundException("Could not find the virtual host: [" + vhost + "]");
        }
        return e;
    }

    private Application writableApp(String vhost, String app) {
        Application a = app(vhost, app);
        if (!a.getDynamic()) {
            throw new ReadOnlyException("The application [" + vhost + "/" + app
                    + "] is declared in the configuration file and cannot be changed through the API");
        }
        return a;
    }

    private void storeApp(String vhost, Application a) {
        store.put(APP_KIND, vhost + "/" + a.getName(), ProtoJson.write(a.toBuilder().clearDynamic().build()));
    }

    private static NotFoundException appNotFound(String vhost, String app) {
        return new NotFoundException("Could not find the application: [" + vhost + "/" + app + "]");
    }

    private static Struct merge(Struct current, Struct patch) {
        return current.toBuilder().putAllFields(patch.getFieldsMap()).build();
    }
}
