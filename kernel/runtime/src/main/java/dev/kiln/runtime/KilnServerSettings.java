package dev.kiln.runtime;

import dev.kiln.api.server.MpegTsInput;
import dev.kiln.api.server.ServerSettings;
import dev.kiln.runtime.config.ServerConfig;
import java.nio.file.Path;
import java.util.List;

/** The {@link ServerSettings} service plugins see, read from the server configuration. */
record KilnServerSettings(ServerConfig config) implements ServerSettings {
    @Override
    public String mediaBindAddress() {
        return config.bind();
    }

    @Override
    public String apiBindAddress() {
        return config.apiBind();
    }

    @Override
    public int apiPort() {
        return config.apiPort();
    }

    @Override
    public int rtmpPort() {
        return config.rtmpPort();
    }

    @Override
    public int srtPort() {
        return config.srtPort();
    }

    @Override
    public int httpPort() {
        return config.httpPort();
    }

    @Override
    public int inputTimeoutSeconds() {
        return config.inputTimeoutSeconds();
    }

    @Override
    public String srtPassphrase() {
        return config.srtPassphrase();
    }

    @Override
    public Path dataDir() {
        return config.dataDir();
    }

    @Override
    public List<MpegTsInput> mpegTsInputs() {
        return config.mpegTsInputs();
    }
}
