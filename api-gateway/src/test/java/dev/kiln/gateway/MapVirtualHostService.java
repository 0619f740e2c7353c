package dev.kiln.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.Empty;

import dev.kiln.api.error.NotFoundException;
import dev.kiln.proto.v1.CreateVirtualHostsRequest;
import dev.kiln.proto.v1.CreateVirtualHostsResponse;
import dev.kiln.proto.v1.DeleteVirtualHostRequest;
import dev.kiln.proto.v1.GetVirtualHostRequest;
import dev.kiln.proto.v1.ListVirtualHostsRequest;
import dev.kiln.proto.v1.ListVirtualHostsResponse;
import dev.kiln.proto.v1.ReloadCertificateRequest;
import dev.kiln.proto.v1.VirtualHost;
import dev.kiln.proto.v1.VirtualHostResult;
import dev.kiln.proto.v1.VirtualHostServiceGrpc;
import io.grpc.stub.StreamObserver;

/**
 * A virtual host service backed by a map. ReloadAllCertificates is left to the generated default
 * (UNIMPLEMENTED); ReloadCertificate fails through {@code onError} with {@link TestFailures}.
 */
final class MapVirtualHostService extends VirtualHostServiceGrpc.VirtualHostServiceImplBase {

    private final Map<String, VirtualHost> vhosts = new LinkedHashMap<>();

    synchronized void clear() {
        vhosts.clear();
    }

    /** The names held, in creation order. */
    synchronized List<String> names() {
        return List.copyOf(vhosts.keySet());
    }

    @Override
    public synchronized void listVirtualHosts(ListVirtualHostsRequest request,
                                              StreamObserver<ListVirtualHostsResponse> response) {
        response.onNext(ListVirtualHostsResponse.newBuilder().addAllNames(vhosts.keySet()).build());
        response.onCompleted();
    }

    @Override
    public synchronized void createVirtualHosts(CreateVirtualHostsRequest request,
                                                StreamObserver<CreateVirtualHostsResponse> response) {
        final CreateVirtualHostsResponse.Builder results = CreateVirtualHostsResponse.newBuilder();
        for (VirtualHost vhost : request.getVhostsList()) {
            final VirtualHostResult.Builder result = VirtualHostResult.newBuilder();
            if (vhost.getName().isEmpty()) {
                result.setStatusCode(400).setMessage("name is required");
            } else if (vhosts.containsKey(vhost.getName())) {
                result.setStatusCode(409).setMessage("Conflict");
            } else {
                final VirtualHost created = vhost.toBuilder().setDynamic(true).build();
                vhosts.put(vhost.getName(), created);
                result.setStatusCode(200).setMessage("OK").setResponse(created);
            }
            results.addResults(result);
        }
        response.onNext(results.build());
        response.onCompleted();
    }

    @Override
    public synchronized void getVirtualHost(GetVirtualHostRequest request,
                                            StreamObserver<VirtualHost> response) {
        final VirtualHost vhost = vhosts.get(request.getVhost());
        if (vhost == null) {
            throw new NotFoundException("Could not find the virtual host: [" + request.getVhost() + ']');
        }
        response.onNext(vhost);
        response.onCompleted();
    }

    @Override
    public synchronized void deleteVirtualHost(DeleteVirtualHostRequest request,
                                               StreamObserver<Empty> response) {
        if (vhosts.remove(request.getVhost()) == null) {
            response.onError(new NotFoundException("Could not find the virtual host: [" + request.getVhost() + ']'));
            return;
        }
        response.onNext(Empty.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void reloadCertificate(ReloadCertificateRequest request, StreamObserver<Empty> response) {
        final RuntimeException failure = TestFailures.forName(request.getVhost());
        if (failure != null) {
            response.onError(failure);
            return;
        }
        response.onNext(Empty.getDefaultInstance());
        response.onCompleted();
    }
}
