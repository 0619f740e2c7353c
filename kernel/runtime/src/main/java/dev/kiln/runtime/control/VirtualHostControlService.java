package dev.kiln.runtime.control;

import com.google.protobuf.Empty;
import dev.kiln.proto.v1.CreateVirtualHostsRequest;
import dev.kiln.proto.v1.CreateVirtualHostsResponse;
import dev.kiln.proto.v1.DeleteVirtualHostRequest;
import dev.kiln.proto.v1.GetVirtualHostRequest;
import dev.kiln.proto.v1.ListVirtualHostsRequest;
import dev.kiln.proto.v1.ListVirtualHostsResponse;
import dev.kiln.proto.v1.ReloadAllCertificatesRequest;
import dev.kiln.proto.v1.ReloadCertificateRequest;
import dev.kiln.proto.v1.VirtualHost;
import dev.kiln.proto.v1.VirtualHostResult;
import dev.kiln.proto.v1.VirtualHostServiceGrpc;
import dev.kiln.runtime.model.VirtualHostRegistry;
import dev.kiln.runtime.tls.CertificateReloader;
import io.grpc.stub.StreamObserver;

/** gRPC implementation of the virtual host API over the {@link VirtualHostRegistry}. */
public final class VirtualHostControlService extends VirtualHostServiceGrpc.VirtualHostServiceImplBase {
    private final VirtualHostRegistry registry;
    private final CertificateReloader certificates;

    public VirtualHostControlService(VirtualHostRegistry registry, CertificateReloader certificates) {
        this.registry = registry;
        this.certificates = certificates;
    }

    @Override
    public void listVirtualHosts(ListVirtualHostsRequest request, StreamObserver<ListVirtualHostsResponse> out) {
        Rpc.unary(out, () -> ListVirtualHostsResponse.newBuilder().addAllNames(registry.vhostNames()).build());
    }

    @Override
    public void createVirtualHosts(CreateVirtualHostsRequest request, StreamObserver<CreateVirtualHostsResponse> out) {
        Rpc.unary(out, () -> {
            return CreateVirtualHostsResponse.newBuilder()
                    .addAllResults(BatchItem.createEach(request.getVhostsList(), "virtual host", registry::createVhost,
                            (code, message, vhost) -> {
                                VirtualHostResult.Builder r =
                                        VirtualHostResult.newBuilder().setStatusCode(code).setMessage(message);
                                return (vhost == null ? r : r.setResponse(vhost)).build();
                            }))
                    .build();
        });
    }

    @Override
    public void getVirtualHost(GetVirtualHostRequest request, StreamObserver<VirtualHost> out) {
        Rpc.unary(out, () -> registry.vhost(request.getVhost()));
    }

    @Override
    public void deleteVirtualHost(DeleteVirtualHostRequest request, StreamObserver<Empty> out) {
        Rpc.unary(out, () -> {
            registry.deleteVhost(request.getVhost());
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void reloadAllCertificates(ReloadAllCertificatesRequest request, StreamObserver<Empty> out) {
        Rpc.unary(out, () -> {
            IllegalStateException first = null;
            for (VirtualHost v : registry.vhosts()) {
                try {
                    certificates.reload(v);
                } catch (IllegalStateException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void reloadCertificate(ReloadCertificateRequest request, StreamObserver<Empty> out) {
        Rpc.unary(out, () -> {
            certificates.reload(registry.vhost(request.getVhost()));
            return Empty.getDefaultInstance();
        });
    }
}
