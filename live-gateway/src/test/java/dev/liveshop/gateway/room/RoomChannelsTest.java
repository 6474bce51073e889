package dev.liveshop.gateway.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.proto.v1.ChatBatch;
import dev.liveshop.proto.v1.ChatMessage;
import dev.liveshop.proto.v1.ServerFrame;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.local.LocalChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RoomChannelsTest {

  /** Rooms can still be told something while the gateway's loops shut down. */
  @Test
  void aBroadcastToALoopThatHasShutDown_isDropped_andDoesNotHoldBackTheNextTick() throws Exception {
    DefaultEventLoopGroup loops = new DefaultEventLoopGroup(1);
    LocalChannel viewer = new LocalChannel();
    loops.register(viewer).sync();
    RoomChannels channels = new RoomChannels(new GatewayMetrics(() -> 1), 1 << 20, false);
    channels.add(viewer);
    loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();

    channels.broadcast(List.of(new RoomChannels.Outgoing(ServerFrame.newBuilder().setChat(ChatBatch.newBuilder()
        .addMessages(ChatMessage.newBuilder().setMessageId("m1").setText("hi"))).build(), true)));

    assertThat(channels.writing()).isFalse();
  }
}
