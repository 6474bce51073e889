package dev.liveshop.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteCounterTest {

  @Test
  void countsBytesReadAndWritten_overEveryChannelItServes() {
    ByteCounter counter = new ByteCounter();
    EmbeddedChannel one = new EmbeddedChannel(counter);
    EmbeddedChannel two = new EmbeddedChannel(counter);

    one.writeInbound(Unpooled.wrappedBuffer(new byte[7]));
    two.writeInbound(Unpooled.wrappedBuffer(new byte[5]));
    one.writeOutbound(Unpooled.wrappedBuffer(new byte[100]));
    two.writeOutbound(new TextWebSocketFrame("hello"));
    two.writeOutbound("not bytes");

    assertThat(counter.readBytes()).isEqualTo(12);
    assertThat(counter.writtenBytes()).isEqualTo(100 + "hello".getBytes(StandardCharsets.UTF_8).length);
    // Passed on unchanged.
    ByteBuf written = one.readOutbound();
    assertThat(written.readableBytes()).isEqualTo(100);
    written.release();
    one.finishAndReleaseAll();
    two.finishAndReleaseAll();
  }
}
