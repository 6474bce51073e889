package dev.liveshop.gateway.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.protocol.Wire;
import dev.liveshop.proto.v1.ChatMessage;
import dev.liveshop.proto.v1.FlashSale;
import dev.liveshop.proto.v1.Join;
import dev.liveshop.proto.v1.RoomBusState;
import dev.liveshop.proto.v1.SaleState;
import dev.liveshop.proto.v1.SaleStatus;
import dev.liveshop.proto.v1.ServerFrame;
import dev.liveshop.proto.v1.StockUpdate;
import dev.liveshop.proto.v1.Stream;
import dev.liveshop.proto.v1.StreamSnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a room's tick sends, and when frames leave at once instead. The viewer is an
 * EmbeddedChannel: its event loop runs a broadcast only when the test says so
 * ({@code runPendingTasks}), so "still being written" is a state the test holds.
 */
class RoomTickTest {

  private static final String SALE = "s-1";

  private final GatewayMetrics metrics = new GatewayMetrics(() -> 1);
  private final EmbeddedChannel viewer = new EmbeddedChannel();
  private int flushes;

  @AfterEach
  void tearDown() {
    viewer.finishAndReleaseAll();
  }

  /**
   * Under load batches grow instead of queueing behind each other. (Sending the held batch
   * as soon as the write ends, when a tick has passed, and letting each loop write every
   * tick's batch as soon as it is free were both measured and made the chat storms slower:
   * bench/RESULTS.md.)
   */
  @Test
  void chatHeldBehindAWrite_leavesWithTheNextTick_inOneBatch() throws Exception {
    Room room = joinedRoom();
    room.onChat(message("m1"));
    room.tick(false);
    room.onChat(message("m2"));
    room.tick(false); // m1's batch is still being written: m2 is held back
    room.onChat(message("m3"));

    viewer.runPendingTasks();
    assertThat(chatBatches(written())).containsExactly(List.of("m1"));

    room.tick(false); // the next tick
    viewer.runPendingTasks();
    assertThat(chatBatches(written())).containsExactly(List.of("m2", "m3"));
    room.tick(false); // nothing left: no empty batch
    viewer.runPendingTasks();
    assertThat(written()).isEmpty();
  }

  /** Frames to many viewers cost a write syscall each: one tick is one flush per viewer. */
  @Test
  void aTick_sendsTheMovedStockTheChatAndTheCounters_inOneFlush() throws Exception {
    Room room = joinedRoom();
    room.onStock(stock(2, SaleState.SALE_STATE_LIVE, 9));
    room.onChat(message("m1"));
    room.like();
    viewer.runPendingTasks();
    assertThat(written()).as("a count that moved waits for the tick").isEmpty();
    int flushesBefore = flushes;

    room.tick(true);
    viewer.runPendingTasks();
    List<ServerFrame> frames = written();
    assertThat(frames).extracting(f -> f.getKindCase().name()).containsExactly("STOCK", "CHAT", "COUNTERS");
    assertThat(frames.get(0).getStock().getAvailable()).isEqualTo(9);
    assertThat(frames.get(2).getCounters().getLikes()).isEqualTo(1);
    assertThat(frames.get(0).getRoomSeq()).isLessThan(frames.get(1).getRoomSeq());
    assertThat(flushes - flushesBefore).isEqualTo(1);

    room.tick(true);
    viewer.runPendingTasks();
    assertThat(written()).as("nothing moved, no counter changed").isEmpty();
  }

  @Test
  void stockCounts_conflateToTheLatestPerTick_sellingOutAndStateChanges_goAtOnce() throws Exception {
    Room room = joinedRoom();
    room.onStock(stock(2, SaleState.SALE_STATE_LIVE, 9));
    room.onStock(stock(3, SaleState.SALE_STATE_LIVE, 8));
    room.tick(false);
    viewer.runPendingTasks();
    assertThat(written()).extracting(f -> f.getStock().getAvailable()).containsExactly(8);

    room.onStock(stock(4, SaleState.SALE_STATE_LIVE, 1));
    room.onStock(stock(5, SaleState.SALE_STATE_LIVE, 0));
    viewer.runPendingTasks();
    assertThat(written()).as("sold out, without a tick").extracting(f -> f.getStock().getSequence())
        .containsExactly(5L);
    room.onStock(stock(6, SaleState.SALE_STATE_LIVE, 2));
    viewer.runPendingTasks();
    assertThat(written()).as("back in stock").extracting(f -> f.getStock().getSequence()).containsExactly(6L);
    room.onStock(stock(7, SaleState.SALE_STATE_LIVE, 1));
    room.onStock(stock(8, SaleState.SALE_STATE_ENDED, 1));
    room.tick(false);
    viewer.runPendingTasks();
    assertThat(written()).as("the end replaces the waiting count").extracting(f -> f.getStock().getSequence())
        .containsExactly(8L);
  }

  /** The bus may deliver a sale's stock late or twice (a resumed watch): only newer values count. */
  @Test
  void onStock_olderOrRepeatedSequence_isDropped() throws Exception {
    Room room = joinedRoom();
    room.onStock(stock(5, SaleState.SALE_STATE_LIVE, 0));
    viewer.runPendingTasks();
    assertThat(written()).as("sold out, at once").extracting(f -> f.getStock().getSequence()).containsExactly(5L);

    room.onStock(stock(3, SaleState.SALE_STATE_LIVE, 4)); // older: would bring it "back in stock"
    room.onStock(stock(5, SaleState.SALE_STATE_LIVE, 0)); // repeated
    room.tick(false);
    viewer.runPendingTasks();
    assertThat(written()).as("stale and repeated stock, at once or on the tick").isEmpty();

    EmbeddedChannel joiner = new EmbeddedChannel();
    try {
      joiner.attr(Wire.OF_CHANNEL).set(Wire.PROTO);
      assertThat(room.join(joiner, "bob", Join.newBuilder().setStreamId("demo").build())).isTrue();
      List<ServerFrame> welcome = WrittenFrames.drain(joiner);
      assertThat(welcome).hasSize(1);
      assertThat(welcome.get(0).getWelcome().getSalesList()).extracting(s -> s.getStock().getAvailable())
          .containsExactly(0);
    } finally {
      joiner.finishAndReleaseAll();
    }
  }

  @Test
  void countersAskedForWhileAWriteIsOn_goWithTheNextTick() throws Exception {
    Room room = joinedRoom();
    room.like();
    room.onChat(message("m1"));
    room.tick(false);
    room.tick(true); // m1's batch is still being written
    viewer.runPendingTasks();
    assertThat(written()).extracting(f -> f.getKindCase().name()).containsExactly("CHAT");
    room.tick(false);
    viewer.runPendingTasks();
    assertThat(written()).extracting(f -> f.getCounters().getLikes()).containsExactly(1L);
  }

  @Test
  void aBackedUpViewer_getsTheTicksStock_notItsChatOrCounters() throws Exception {
    Room room = joinedRoom();
    viewer.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
    viewer.write(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4})); // queued, not flushed: not writable
    assertThat(viewer.isWritable()).isFalse();
    room.onStock(stock(2, SaleState.SALE_STATE_LIVE, 9));
    room.onChat(message("m1"));
    room.like();
    room.tick(true);
    viewer.runPendingTasks();
    ByteBuf backlog = viewer.readOutbound();
    backlog.release();
    assertThat(written()).extracting(f -> f.getKindCase().name()).containsExactly("STOCK");
    assertThat(metrics.scrape()).contains("liveshop_gateway_chat_skipped_total 1.0");
  }

  /** One that stopped reading: told why behind its backlog, closed, counted once. */
  @Test
  void aViewerPastItsBacklogBound_getsACloseFrameWithTheReason_andIsClosed() throws Exception {
    Room room = joinedRoom(16);
    viewer.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
    viewer.write(Unpooled.wrappedBuffer(new byte[64])); // queued, not flushed: 64 bytes behind
    room.onStock(stock(2, SaleState.SALE_STATE_LIVE, 0)); // selling out goes at once
    room.onStock(stock(3, SaleState.SALE_STATE_LIVE, 1));
    viewer.runPendingTasks();

    ByteBuf backlog = viewer.readOutbound();
    backlog.release();
    CloseWebSocketFrame close = viewer.readOutbound();
    assertThat(close.statusCode()).isEqualTo(1008);
    assertThat(close.reasonText()).contains("too far behind");
    close.release();
    // (In a real pipeline the WebSocket protocol handler refuses frames after a close frame,
    // WireOutTest; this test channel has none, so a later broadcast may still show up here.)
    viewer.runPendingTasks();
    assertThat(viewer.isOpen()).isFalse();
    assertThat(metrics.scrape()).contains("liveshop_gateway_closes_total{reason=\"slow-viewer\"} 1.0");
  }

  private Room joinedRoom() throws Exception {
    return joinedRoom(1 << 20);
  }

  private Room joinedRoom(long maxBacklogBytes) throws Exception {
    SaleStatus sale = SaleStatus.newBuilder()
        .setSale(FlashSale.newBuilder().setSaleId(SALE).setStreamId("demo").setQuantity(10))
        .setStock(stock(1, SaleState.SALE_STATE_LIVE, 10)).build();
    StreamSnapshot snapshot = StreamSnapshot.newBuilder().setStream(Stream.newBuilder().setStreamId("demo"))
        .addSales(sale).build();
    Room room = new Room(snapshot, RoomBusState.getDefaultInstance(), 10, metrics, maxBacklogBytes, 16, false);
    viewer.attr(Wire.OF_CHANNEL).set(Wire.PROTO);
    viewer.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
      @Override
      public void flush(ChannelHandlerContext ctx) {
        flushes++;
        ctx.flush();
      }
    });
    assertThat(room.join(viewer, "alice", Join.newBuilder().setStreamId("demo").build())).isTrue();
    assertThat(written()).allMatch(ServerFrame::hasWelcome).hasSize(1);
    return room;
  }

  private static StockUpdate stock(long sequence, SaleState state, int available) {
    return StockUpdate.newBuilder().setSaleId(SALE).setStreamId("demo").setSequence(sequence).setState(state)
        .setQuantity(10).setAvailable(available).build();
  }

  private static ChatMessage message(String id) {
    return ChatMessage.newBuilder().setMessageId(id).setViewerId("bob").setText(id).build();
  }

  /** The chat batches among {@code frames}, each as its message ids. */
  private static List<List<String>> chatBatches(List<ServerFrame> frames) {
    return frames.stream().filter(ServerFrame::hasChat)
        .map(f -> f.getChat().getMessagesList().stream().map(ChatMessage::getMessageId).toList()).toList();
  }

  /** Every frame written to the viewer since the last call. */
  private List<ServerFrame> written() throws Exception {
    return WrittenFrames.drain(viewer);
  }
}
