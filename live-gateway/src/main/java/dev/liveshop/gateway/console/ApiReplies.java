package dev.liveshop.gateway.console;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.liveshop.gateway.core.CoreClient;
import io.grpc.Status;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answering a host API call with live-core's answer: the message in the proto3 JSON
 * mapping, or its gRPC error as an HTTP status and {@code {"error", "message"}}. Called on
 * gRPC's threads (Netty's writes are safe from any thread).
 */
final class ApiReplies {

  private static final Logger log = LoggerFactory.getLogger(ApiReplies.class);
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private ApiReplies() {}

  /** Answers with the call's result once it completes. */
  static <T extends Message> void answer(ChannelHandlerContext ctx, boolean keepAlive, ListenableFuture<T> call) {
    CoreClient.toCompletable(call).whenComplete((result, failure) -> reply(ctx, keepAlive, result, failure));
  }

  /** Answers with {@code result}, or with {@code failure} when it is not null. */
  static <T extends Message> void reply(ChannelHandlerContext ctx, boolean keepAlive, T result, Throwable failure) {
    if (failure != null) {
      Status status = Status.fromThrowable(failure);
      HttpResponseStatus http = switch (status.getCode()) {
        case INVALID_ARGUMENT -> HttpResponseStatus.BAD_REQUEST;
        case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
        case FAILED_PRECONDITION -> HttpResponseStatus.CONFLICT;
        case UNAVAILABLE, DEADLINE_EXCEEDED -> HttpResponseStatus.SERVICE_UNAVAILABLE;
        default -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
      };
      if (http == HttpResponseStatus.INTERNAL_SERVER_ERROR) {
        log.error("core call failed", failure);
      }
      HttpResponses.sendError(ctx, http, status.getCode().name(),
          status.getDescription() == null ? status.getCode().name() : status.getDescription(), keepAlive);
      return;
    }
    try {
      HttpResponses.sendJson(ctx, HttpResponseStatus.OK, PRINTER.print(result), keepAlive);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
