package dev.kiln.bench.api;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.kiln.proto.v1.Application;
import dev.kiln.proto.v1.ApplicationServiceGrpc;
import dev.kiln.proto.v1.GetApplicationRequest;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * The baseline: a bare Armeria server, in its own JVM, that answers the measured REST path with
 * fixed bytes (those Kiln answered) and {@code ApplicationService/GetApplication} with a fixed
 * message (the one Kiln answered). No auth, no transcoding, no envelope, no model lookup.
 *
 * <p>Arguments: {@code PATH CONTENT_TYPE REST_BODY_FILE APPLICATION_FILE}. It listens on a free
 * port of 127.0.0.1, prints {@code PORT <n>} on stdout, and stops when its stdin closes (so it
 * never outlives the harness).
 */
public final class BareServer {
    static final String PORT_LINE = "PORT ";

    private BareServer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("Usage: BareServer PATH CONTENT_TYPE REST_BODY_FILE APPLICATION_FILE");
            System.exit(2);
        }
        ResponseHeaders headers = ResponseHeaders.of(HttpStatus.OK, HttpHeaderNames.CONTENT_TYPE, MediaType.parse(args[1]));
        HttpData body = HttpData.wrap(Files.readAllBytes(Paths.get(args[2])));
        Application application = Application.parseFrom(Files.readAllBytes(Paths.get(args[3])));

        Server server = Server.builder()
                .port(new InetSocketAddress("127.0.0.1", 0), SessionProtocol.HTTP)
                .service(args[0], (ctx, req) -> HttpResponse.of(headers, body))
                .service(GrpcService.builder().addService(new FixedApplicationService(application)).build())
                .build();
        server.start().join();
        System.out.println(PORT_LINE + server.activeLocalPort());
        System.out.flush();

        awaitEndOfInput(System.in);
        server.stop().join();
    }

    private static void awaitEndOfInput(InputStream in) throws IOException {
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // keep reading until the harness closes the pipe
        }
    }

    /** Answers every GetApplication with the same message. */
    private static final class FixedApplicationService extends ApplicationServiceGrpc.ApplicationServiceImplBase {
        private final Application application;

        FixedApplicationService(Application application) {
            this.application = application;
        }

        @Override
        public void getApplication(GetApplicationRequest request, StreamObserver<Application> answer) {
            answer.onNext(application);
            answer.onCompleted();
        }
    }
}
