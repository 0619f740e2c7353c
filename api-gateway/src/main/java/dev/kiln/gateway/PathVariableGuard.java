package dev.kiln.gateway;

import java.util.function.Function;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;

/**
 * Answers 404 for a REST path whose variables ({@code {vhost}}, {@code {app}}, {@code {stream}},
 * {@code {profile}}) hold a ':'. Such a path is an unknown custom verb (e.g.
 * {@code /v1/vhosts/default/apps/app:bogus}) that Armeria's router matched as a name; no Kiln
 * name contains ':', so it must not reach a service as one.
 */
final class PathVariableGuard extends SimpleDecoratingHttpService {

    static Function<? super HttpService, PathVariableGuard> newDecorator() {
        return PathVariableGuard::new;
    }

    PathVariableGuard(HttpService delegate) {
        super(delegate);
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
        for (String value : ctx.pathParams().values()) {
            if (value.indexOf(':') >= 0) {
                throw HttpStatusException.of(HttpStatus.NOT_FOUND);
            }
        }
        return unwrap().serve(ctx, req);
    }
}
