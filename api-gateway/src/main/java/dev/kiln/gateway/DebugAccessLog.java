package dev.kiln.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.linecorp.armeria.common.logging.RequestLog;
import com.linecorp.armeria.server.logging.AccessLogWriter;

/** One DEBUG line per answered request: method, path, status and duration. */
final class DebugAccessLog implements AccessLogWriter {

    private static final Logger logger = LoggerFactory.getLogger("dev.kiln.gateway.access");

    @Override
    public void log(RequestLog log) {
        if (logger.isDebugEnabled()) {
            logger.debug("{} {} {} {} {}ms", log.context().remoteAddress(), log.requestHeaders().method(),
                         log.requestHeaders().path(), log.responseHeaders().status().code(),
                         log.totalDurationNanos() / 1_000_000);
        }
    }
}
