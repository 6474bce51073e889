package dev.liveshop.gateway.console;

import com.google.gson.JsonObject;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** Writing HTTP answers: JSON bodies, errors as {@code {"error": CODE, "message": ...}}. */
public final class HttpResponses {

  private HttpResponses() {}

  public static void sendJson(ChannelHandlerContext ctx, HttpResponseStatus status, String json, boolean keepAlive) {
    send(ctx, status, ByteBufUtil.writeUtf8(ctx.alloc(), json), "application/json; charset=utf-8", keepAlive);
  }

  public static void sendError(ChannelHandlerContext ctx, HttpResponseStatus status, String code, String message,
      boolean keepAlive) {
    JsonObject body = new JsonObject();
    body.addProperty("error", code);
    body.addProperty("message", message);
    sendJson(ctx, status, body.toString(), keepAlive);
  }

  public static void send(ChannelHandlerContext ctx, HttpResponseStatus status, ByteBuf body, String contentType,
      boolean keepAlive) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
    HttpUtil.setContentLength(response, body.readableBytes());
    HttpUtil.setKeepAlive(response, keepAlive);
    var write = ctx.writeAndFlush(response);
    if (!keepAlive) {
      write.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
