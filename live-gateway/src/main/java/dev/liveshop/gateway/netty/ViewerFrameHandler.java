package dev.liveshop.gateway.netty;

import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.gateway.auth.ViewerRateLimits;
import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.order.OrderPlacement;
import dev.liveshop.gateway.protocol.DecodedFrame;
import dev.liveshop.gateway.protocol.FrameCodec;
import dev.liveshop.gateway.protocol.Wire;
import dev.liveshop.gateway.room.MessageIds;
import dev.liveshop.gateway.room.Room;
import dev.liveshop.gateway.room.RoomRegistry;
import dev.liveshop.proto.v1.ChatMessage;
import dev.liveshop.proto.v1.ClientFrame;
import dev.liveshop.proto.v1.ErrorCode;
import dev.liveshop.proto.v1.Pong;
import dev.liveshop.proto.v1.RoomEvent;
import dev.liveshop.proto.v1.ServerFrame;
import io.grpc.Status;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One viewer's WebSocket session: decodes frames (text on liveshop.v1.json, binary on
 * liveshop.v1.proto) and acts on them. Bad input is answered with a typed Error frame and
 * changes nothing; a frame of the other kind closes the socket with 1003.
 *
 * <p>Threading: one instance per channel; its fields are touched only on the channel's
 * event loop (asynchronous answers hop back to it before changing them).
 */
final class ViewerFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

  private static final Logger log = LoggerFactory.getLogger(ViewerFrameHandler.class);

  private final FrameCodec codec;
  private final RoomRegistry rooms;
  private final OrderPlacement orders;
  private final FrameRateLimiter limiter;
  private final GatewayMetrics metrics;
  /** Joins of this connection: each costs a room a welcome (or opening). */
  private final FrameRateLimiter joins;
  /** The viewer's chat and joins over all its connections (shared by every session). */
  private final ViewerRateLimits viewerLimits;
  private Room room;
  /** This viewer's last chat message on its way to the room bus; the next one waits for it. */
  private CompletableFuture<?> lastChat = CompletableFuture.completedFuture(null);

  ViewerFrameHandler(FrameCodec codec, RoomRegistry rooms, OrderPlacement orders, FrameRateLimiter limiter,
      FrameRateLimiter joins, ViewerRateLimits viewerLimits, GatewayMetrics metrics) {
    this.metrics = metrics;
    this.viewerLimits = viewerLimits;
    this.joins = joins;
    this.codec = codec;
    this.rooms = rooms;
    this.orders = orders;
    this.limiter = limiter;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    Wire wire = Wire.of(ctx.channel());
    boolean expected = wire == Wire.PROTO ? frame instanceof BinaryWebSocketFrame : frame instanceof TextWebSocketFrame;
    if (!expected) {
      metrics.closed("wrong-frame-type");
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, wire.subprotocol()
          + (wire == Wire.PROTO ? " takes binary frames only" : " takes text frames only")))
          .addListener(f -> ctx.close());
      return;
    }
    switch (limiter.onFrame(System.nanoTime())) {
      case CLOSE -> {
        metrics.closed("flood");
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION,
            "frame flood: slow down and reconnect")).addListener(f -> ctx.close());
        return;
      }
      case REFUSE -> {
        if (limiter.firstRefusal()) {
          send(ctx, FrameCodec.error("", ErrorCode.ERROR_CODE_RATE_LIMITED,
              "too many frames: frames are being dropped; slow down"));
        }
        return;
      }
      default -> { }
    }
    DecodedFrame decoded = wire == Wire.PROTO ? codec.decode(frame.content())
        : codec.decode(((TextWebSocketFrame) frame).text());
    if (decoded.isError()) {
      send(ctx, decoded.error());
      return;
    }
    ClientFrame f = decoded.frame();
    Principal principal = ctx.channel().attr(WsAuthHandler.PRINCIPAL).get();
    switch (f.getKindCase()) {
      case JOIN -> join(ctx, principal, f);
      case LEAVE -> leave(ctx);
      case PING -> send(ctx, ServerFrame.newBuilder().setPong(Pong.newBuilder()
          .setClientTimeMs(f.getPing().getClientTimeMs()).setServerTimeMs(System.currentTimeMillis())).build());
      case CHAT -> {
        if (requireRoom(ctx, f)) {
          chat(ctx, principal, f);
        }
      }
      case LIKE -> {
        if (requireRoom(ctx, f)) {
          room.like();
        }
      }
      case BUY -> {
        if (requireRoom(ctx, f)) {
          orders.place(ctx.channel(), principal.viewerId(), f.getRequestId(), f.getBuy(), room.streamId(),
              room.saleOwner(f.getBuy().getSaleId()));
        }
      }
      case PAY -> orders.pay(ctx.channel(), principal.viewerId(), f.getRequestId(), f.getPay().getOrderId());
      case CANCEL -> orders.cancel(ctx.channel(), principal.viewerId(), f.getRequestId(),
          f.getCancel().getOrderId());
      default -> throw new IllegalStateException("decoder let through " + f.getKindCase());
    }
  }

  /**
   * Checks the host's chat rules here (the viewer is connected to this gateway), then
   * publishes the message on the room bus, which brings it to every gateway's room.
   */
  private void chat(ChannelHandlerContext ctx, Principal principal, ClientFrame f) {
    long now = System.currentTimeMillis();
    Room chatRoom = room;
    String refusal = chatRoom.admitChat(principal.viewerId(), now, principal.hosts(chatRoom.streamId()));
    if (refusal != null) {
      send(ctx, FrameCodec.error(f.getRequestId(), ErrorCode.ERROR_CODE_CHAT_REFUSED, refusal));
      return;
    }
    // After the chat rules, so that messages they refuse (muted, chat off) spend none of the
    // account's budget; one refused here does not count for slow mode either.
    if (!viewerLimits.tryChat(principal.viewerId())) {
      chatRoom.chatNotSent(principal.viewerId(), now);
      send(ctx, FrameCodec.error(f.getRequestId(), ErrorCode.ERROR_CODE_RATE_LIMITED,
          "too many chat messages from your account: slow down"));
      return;
    }
    RoomEvent message = RoomEvent.newBuilder().setStreamId(chatRoom.streamId()).setChat(ChatMessage.newBuilder()
        .setMessageId(MessageIds.next()).setViewerId(principal.viewerId()).setText(f.getChat().getText())
        .setSentAtMs(now)).build();
    // One message at a time per viewer: concurrent unary calls may overtake each other.
    lastChat = lastChat.handle((ack, failure) -> null)
        .thenCompose(previous -> rooms.publish(message))
        .whenComplete((ack, failure) -> {
          if (failure != null) {
            ctx.executor().execute(() -> {
              // Not sent: slow mode must not make the viewer wait to send it again.
              chatRoom.chatNotSent(principal.viewerId(), now);
              send(ctx, FrameCodec.error(f.getRequestId(), ErrorCode.ERROR_CODE_UNAVAILABLE,
                  "chat is unavailable for a moment (" + Status.fromThrowable(failure).getCode() + "); send it again"));
            });
          }
        });
  }

  private void join(ChannelHandlerContext ctx, Principal principal, ClientFrame f) {
    if (joins.onFrame(System.nanoTime()) != FrameRateLimiter.Decision.ALLOW
        || !viewerLimits.tryJoin(principal.viewerId())) {
      send(ctx, FrameCodec.error(f.getRequestId(), ErrorCode.ERROR_CODE_RATE_LIMITED,
          "joining too often: wait a few seconds before joining again"));
      return;
    }
    enter(ctx, principal, f, f.getJoin().getStreamId(), true);
  }

  /** Joins the stream's room; once more if the room closed (idle) between lookup and join. */
  private void enter(ChannelHandlerContext ctx, Principal principal, ClientFrame f, String streamId, boolean retry) {
    rooms.room(streamId).whenComplete((joined, failure) -> ctx.executor().execute(() -> {
      if (failure != null) {
        Status status = Status.fromThrowable(failure);
        send(ctx, status.getCode() == Status.Code.NOT_FOUND
            ? FrameCodec.error(f.getRequestId(), ErrorCode.ERROR_CODE_UNKNOWN_STREAM, "no stream '" + streamId + "'")
            : FrameCodec.error(f.getRequestId(), ErrorCode.ERROR_CODE_UNAVAILABLE,
                "cannot open the room now (" + status.getCode() + "); join again in a moment"));
        return;
      }
      if (!ctx.channel().isActive()) {
        return;
      }
      leave(ctx);
      if (joined.join(ctx.channel(), principal.viewerId(), f.getJoin())) {
        room = joined;
      } else if (retry) {
        enter(ctx, principal, f, streamId, false);
      } else {
        send(ctx, FrameCodec.error(f.getRequestId(), ErrorCode.ERROR_CODE_UNAVAILABLE,
            "the room is reopening; join again in a moment"));
      }
    }));
  }

  private void leave(ChannelHandlerContext ctx) {
    if (room != null) {
      room.leave(ctx.channel());
      room = null;
    }
  }

  private boolean requireRoom(ChannelHandlerContext ctx, ClientFrame f) {
    if (room == null) {
      send(ctx, FrameCodec.error(f.getRequestId(), ErrorCode.ERROR_CODE_NOT_JOINED,
          "send {\"join\":{\"streamId\":...}} first"));
      return false;
    }
    return true;
  }

  private static void send(ChannelHandlerContext ctx, ServerFrame frame) {
    ctx.writeAndFlush(FrameCodec.encode(frame, ctx.channel()));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
      ctx.channel().attr(Wire.OF_CHANNEL).set(Wire.of(handshake.selectedSubprotocol()));
      GatewayInitializer.upgraded(ctx.pipeline());
      if (ctx.channel().attr(WsAuthHandler.PRINCIPAL).get() == null) {
        // WsAuthHandler lets no upgrade through without one; should that ever change, no
        // session runs without a viewer to charge its frames to.
        log.warn("closing {}: WebSocket {} upgraded without a principal", ctx.channel().remoteAddress(),
            handshake.requestUri());
        metrics.closed("unauthenticated");
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, "unauthenticated"))
            .addListener(f -> ctx.close());
        return;
      }
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    leave(ctx);
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof ClosedChannelException) {
      // Broadcast writes queued for a connection that closed (they use the void promise).
      log.debug("dropped writes to closed {}", ctx.channel().remoteAddress());
      return;
    }
    if (cause instanceof CorruptedWebSocketFrameException) {
      // The protocol handler has already closed the socket with the right code (1002/1009).
      log.debug("closed {}: {}", ctx.channel().remoteAddress(), cause.getMessage());
      return;
    }
    if (cause instanceof IOException) {
      // The phone went away (connection reset, broken pipe): routine for mobile viewers.
      log.debug("connection to {} lost: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
      return;
    }
    log.warn("closing {} after an unexpected error", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }

  /** Test hook: the room this session is in, or null. */
  Room room() {
    return room;
  }
}
