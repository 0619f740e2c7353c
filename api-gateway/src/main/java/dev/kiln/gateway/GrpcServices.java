package dev.kiln.gateway;

import java.util.List;

import com.linecorp.armeria.common.grpc.GrpcJsonMarshaller;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.HttpJsonTranscodingOptions;
import com.linecorp.armeria.server.grpc.HttpJsonTranscodingQueryParamMatchRule;

import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

/**
 * Builds the one Armeria {@link GrpcService} that serves the given services over gRPC and, through
 * their {@code google.api.http} rules, over REST; with reflection (v1 and v1alpha) and health. REST
 * answers print their numbers as OME does ({@link OmeJsonMarshaller}).
 */
final class GrpcServices {

    private GrpcServices() {}

    static GrpcService build(List<BindableService> services) {
        final HttpJsonTranscodingOptions transcoding =
                HttpJsonTranscodingOptions.builder()
                                          .queryParamMatchRules(
                                                  HttpJsonTranscodingQueryParamMatchRule.LOWER_CAMEL_CASE,
                                                  HttpJsonTranscodingQueryParamMatchRule.ORIGINAL_FIELD)
                                          .errorHandler(new TranscodingErrorHandler())
                                          .build();
        final LegacyReflection legacyReflection = new LegacyReflection();
        final GrpcService grpc =
                GrpcService.builder()
                           .addServices(services.toArray(new BindableService[0]))
                           .addService(ProtoReflectionServiceV1.newInstance())
                           .addService(legacyReflection.definition())
                           .enableHealthCheckService(true)
                           .enableHttpJsonTranscoding(transcoding)
                           .jsonMarshallerFactory(descriptor -> new OmeJsonMarshaller(
                                   GrpcJsonMarshaller.builder()
                                                     .jsonMarshallerCustomizer(
                                                             m -> m.includingDefaultValueFields(true)
                                                                   .ignoringUnknownFields(false))
                                                     .build(descriptor)))
                           .exceptionHandler(new DomainExceptionHandler())
                           .useBlockingTaskExecutor(true)
                           .build();
        legacyReflection.serve(grpc.services());
        return grpc;
    }
}
