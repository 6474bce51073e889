package dev.liveshop.gateway.room;

import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.protocol.FrameCodec;
import dev.liveshop.proto.v1.ChatBatch;
import dev.liveshop.proto.v1.ChatDeleted;
import dev.liveshop.proto.v1.ChatMessage;
import dev.liveshop.proto.v1.ChatSettings;
import dev.liveshop.proto.v1.Join;
import dev.liveshop.proto.v1.LineupChanged;
import dev.liveshop.proto.v1.ModerationRequest;
import dev.liveshop.proto.v1.PinChanged;
import dev.liveshop.proto.v1.Product;
import dev.liveshop.proto.v1.Resumed;
import dev.liveshop.proto.v1.RoomBusState;
import dev.liveshop.proto.v1.RoomCounters;
import dev.liveshop.proto.v1.SaleStarted;
import dev.liveshop.proto.v1.SaleState;
import dev.liveshop.proto.v1.SaleStatus;
import dev.liveshop.proto.v1.ServerFrame;
import dev.liveshop.proto.v1.StockUpdate;
import dev.liveshop.proto.v1.StreamSnapshot;
import dev.liveshop.proto.v1.Welcome;
import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The viewers of one stream and what they all see: pinned product, sales with their
 * latest stock, recent chat. Every frame sent to the room is encoded once and the same
 * bytes written to every channel, one task per event loop ({@link RoomChannels}). What
 * changes the room for everyone arrives from the room bus ({@link RoomFeed}), so every
 * gateway's room of a stream shows the same; the host's chat rules are applied here to
 * the viewers connected to this gateway.
 *
 * <p>Threading: called from event loops (join, leave, chat), gRPC threads (stock), HTTP
 * handlers (host actions) and the ticker. State is guarded by the room's monitor; broadcasts happen under it too, so
 * a joining viewer sees its welcome before any later update. Writes never block.
 */
public final class Room {

  private final String streamId;
  private final int recentChatLimit;
  private final RoomChannels viewers;
  private StreamSnapshot snapshot;
  private Product pinned;
  private final Map<String, SaleStatus> sales = new LinkedHashMap<>();
  private final ArrayDeque<ChatMessage> recentChat = new ArrayDeque<>();
  private List<ChatMessage> pendingChat = new ArrayList<>();
  /** The latest stock of each sale whose count moved since the last tick (latest wins). */
  private final Map<String, StockUpdate> pendingStock = new LinkedHashMap<>();
  private final ChatRules rules = new ChatRules();
  private final AtomicLong likes = new AtomicLong();
  private long chatMessages;
  private RoomCounters lastCounters = RoomCounters.getDefaultInstance();
  /** A tick with counters was asked for and has not sent yet (it waits while a broadcast is written). */
  private boolean countersDue;
  private final RoomReplay replay;
  /** Since when the room has had no viewer (it opens empty), for closing idle rooms. */
  private long emptySinceNanos = System.nanoTime();
  private boolean closed;

  Room(StreamSnapshot snapshot, RoomBusState bus, int recentChatLimit, GatewayMetrics metrics,
      long maxViewerBacklogBytes, int resumeFrames, boolean perViewerFanOut) {
    this.viewers = new RoomChannels(metrics, maxViewerBacklogBytes, perViewerFanOut);
    this.replay = new RoomReplay(resumeFrames);
    this.streamId = snapshot.getStream().getStreamId();
    this.recentChatLimit = recentChatLimit;
    this.snapshot = snapshot;
    String pinnedId = snapshot.getStream().getPinnedProductId();
    this.pinned = snapshot.getProductsList().stream().filter(p -> p.getProductId().equals(pinnedId)).findFirst()
        .orElse(null);
    for (SaleStatus sale : snapshot.getSalesList()) {
      if (sale.getStock().getState() != SaleState.SALE_STATE_ENDED) {
        sales.put(sale.getSale().getSaleId(), sale);
      }
    }
    rules.reset(bus.getChatSettings(), bus.getMutedViewerIdsList());
    for (ChatMessage message : bus.getRecentChatList()) {
      remember(message);
    }
  }

  public String streamId() {
    return streamId;
  }

  /**
   * Adds the channel so it receives every later broadcast, after sending it either what it
   * missed (a resume: {@code join} names this room's epoch and a sequence still in the
   * replay buffer) or a welcome. False, and nothing sent, when the room has closed.
   */
  public synchronized boolean join(Channel channel, String viewerId, Join join) {
    if (closed) {
      return false;
    }
    List<ServerFrame> missed = replay.missedSince(join.getResumeEpoch(), join.getResumeAfterSeq());
    if (missed != null) {
      channel.write(FrameCodec.encode(ServerFrame.newBuilder().setResumed(Resumed.newBuilder()
          .setRoomEpoch(replay.epoch()).setAfterSeq(join.getResumeAfterSeq())).build(), channel));
      for (ServerFrame frame : missed) {
        channel.write(FrameCodec.encode(frame, channel));
      }
      channel.flush();
      viewers.add(channel);
      return true;
    }
    welcome(channel, viewerId);
    return true;
  }

  private void welcome(Channel channel, String viewerId) {
    Welcome.Builder welcome = Welcome.newBuilder()
        .setViewerId(viewerId)
        .setStream(snapshot.getStream().toBuilder().setPinnedProductId(pinned == null ? "" : pinned.getProductId()))
        .addAllProducts(snapshot.getProductsList())
        .addAllSales(sales.values())
        .addAllRecentChat(recentChat)
        .setChatSettings(rules.settings())
        .setCounters(counters())
        .setRoomEpoch(replay.epoch())
        .setRoomSeq(replay.seq());
    if (pinned != null) {
      welcome.setPinned(pinned);
    }
    channel.writeAndFlush(FrameCodec.encode(ServerFrame.newBuilder().setWelcome(welcome).build(), channel));
    viewers.add(channel);
  }

  public synchronized void leave(Channel channel) {
    viewers.remove(channel);
    if (viewers.size() == 0) {
      emptySinceNanos = System.nanoTime();
    }
  }

  /** Closes the room if no viewer has been in it for {@code idleNanos}; true if it did (or had). */
  synchronized boolean closeIfIdle(long nowNanos, long idleNanos) {
    if (!closed && viewers.size() == 0 && nowNanos - emptySinceNanos >= idleNanos) {
      closed = true;
    }
    return closed;
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Whether the host's rules let {@code viewerId} chat now (and, in slow mode, counts the
   * message): null if so, else the refusal in words. The host's own messages always pass.
   */
  public synchronized String admitChat(String viewerId, long nowMs, boolean fromHost) {
    return fromHost ? null : rules.refusal(viewerId, nowMs);
  }

  /**
   * The message {@link #admitChat} let {@code viewerId} send at {@code nowMs} never reached
   * the bus: slow mode forgets it, so the retry the viewer is asked for is not refused.
   */
  public synchronized void chatNotSent(String viewerId, long nowMs) {
    rules.notSent(viewerId, nowMs);
  }

  /** A chat message from the bus: queued for the next tick's batch. */
  synchronized void onChat(ChatMessage message) {
    pendingChat.add(message);
    chatMessages++;
  }

  public void like() {
    likes.incrementAndGet();
  }

  /** A host's moderation action from the bus; the bus has checked its range. */
  synchronized void moderate(ModerationRequest action) {
    switch (action.getActionCase()) {
      case DELETE_MESSAGE_ID -> deleteChat(action.getDeleteMessageId());
      case MUTE_VIEWER_ID -> rules.mute(action.getMuteViewerId());
      case UNMUTE_VIEWER_ID -> rules.unmute(action.getUnmuteViewerId());
      case SLOW_MODE_SECONDS -> {
        rules.slowMode(action.getSlowModeSeconds());
        broadcast(ServerFrame.newBuilder().setChatSettings(rules.settings()).build(), false);
      }
      case CHAT_ENABLED -> {
        rules.enabled(action.getChatEnabled());
        broadcast(ServerFrame.newBuilder().setChatSettings(rules.settings()).build(), false);
      }
      case ACTION_NOT_SET -> {
        // Nothing to do; the bus refuses such events.
      }
    }
  }

  /** Removes a message for everyone: from the recent buffer, the pending batch and every screen. */
  private void deleteChat(String messageId) {
    recentChat.removeIf(m -> m.getMessageId().equals(messageId));
    pendingChat.removeIf(m -> m.getMessageId().equals(messageId));
    broadcast(ServerFrame.newBuilder().setChatDeleted(ChatDeleted.newBuilder().setMessageId(messageId)).build(),
        false);
  }

  public synchronized ChatSettings chatSettings() {
    return rules.settings();
  }

  private RoomCounters counters() {
    return RoomCounters.newBuilder().setViewers(viewers.size()).setLikes(likes.get()).setChatMessages(chatMessages)
        .build();
  }

  /**
   * The room's tick: sends what accumulated since the last one as one write per viewer: the
   * latest stock of each sale whose count moved, the chat as one batch, and, when {@code
   * withCounters} (the ticker asks once a second) or an earlier such tick had to wait, the
   * counters if one changed. Chat and counters go to writable channels only (a viewer
   * whose socket is backed up skips them; they are not worth a backlog), stock to all.
   * Frames to many viewers cost a write syscall each, so a tick sends one where sending each
   * kind on its own would send three.
   */
  public synchronized void tick(boolean withCounters) {
    countersDue |= withCounters;
    // While the last broadcast is still being written, everything waits for the next tick:
    // under load batches grow instead of queueing up behind each other (the tick adapts).
    if (viewers.writing()) {
      return;
    }
    List<RoomChannels.Outgoing> frames = new ArrayList<>(3);
    for (StockUpdate stock : pendingStock.values()) {
      frames.add(new RoomChannels.Outgoing(replay.number(ServerFrame.newBuilder().setStock(stock).build()), false));
    }
    pendingStock.clear();
    if (!pendingChat.isEmpty()) {
      List<ChatMessage> batch = pendingChat;
      pendingChat = new ArrayList<>();
      batch.forEach(this::remember);
      ServerFrame chat = ServerFrame.newBuilder().setChat(ChatBatch.newBuilder().addAllMessages(batch)).build();
      frames.add(new RoomChannels.Outgoing(replay.number(chat), true));
    }
    if (countersDue && viewers.size() > 0) {
      countersDue = false;
      RoomCounters now = counters();
      if (!now.equals(lastCounters)) {
        lastCounters = now;
        // Counters are state, not events: not numbered, not replayed (the next ones follow).
        frames.add(new RoomChannels.Outgoing(ServerFrame.newBuilder().setCounters(now).build(), true));
      }
    }
    if (!frames.isEmpty() && viewers.size() > 0) {
      viewers.broadcast(frames);
    }
  }

  /**
   * A newer stock value of a sale; older or repeated sequences are dropped. A change of
   * state, selling out and coming back go out at once; a count that moved waits for the
   * next tick, where only the sale's latest value is sent.
   */
  public synchronized void onStock(StockUpdate update) {
    SaleStatus known = sales.get(update.getSaleId());
    if (known == null || update.getSequence() <= known.getStock().getSequence()) {
      return;
    }
    if (update.getState() == SaleState.SALE_STATE_ENDED) {
      sales.remove(update.getSaleId());
    } else {
      sales.put(update.getSaleId(), known.toBuilder().setStock(update).build());
    }
    StockUpdate before = known.getStock();
    if (update.getState() != before.getState() || (update.getAvailable() == 0) != (before.getAvailable() == 0)) {
      pendingStock.remove(update.getSaleId());
      broadcast(ServerFrame.newBuilder().setStock(update).build(), false);
    } else {
      pendingStock.put(update.getSaleId(), update);
    }
  }

  /**
   * A sale launched in this stream: fanned out once however often it is told; true the
   * first time. Told again with another owner shard (a hand-over), the room notes the owner.
   */
  synchronized boolean onSaleStarted(SaleStatus sale) {
    String saleId = sale.getSale().getSaleId();
    SaleStatus known = sales.get(saleId);
    if (known == null) {
      sales.put(saleId, sale);
      broadcast(ServerFrame.newBuilder().setSaleStarted(SaleStarted.newBuilder().setSale(sale)).build(), false);
      return true;
    }
    String owner = sale.getSale().getOwnerShard();
    if (!owner.equals(known.getSale().getOwnerShard())) {
      sales.put(saleId, known.toBuilder().setSale(known.getSale().toBuilder().setOwnerShard(owner)).build());
    }
    return false;
  }

  /** The live-core shard that holds one of this room's open sales, or "" when the room does not know it. */
  public synchronized String saleOwner(String saleId) {
    SaleStatus sale = sales.get(saleId);
    return sale == null ? "" : sale.getSale().getOwnerShard();
  }

  /** Takes the chat rules (settings, muted viewers) of the bus's state after it lost our place. */
  synchronized void resetRules(RoomBusState bus) {
    ChatSettings before = rules.settings();
    rules.reset(bus.getChatSettings(), bus.getMutedViewerIdsList());
    if (!before.equals(rules.settings())) {
      broadcast(ServerFrame.newBuilder().setChatSettings(rules.settings()).build(), false);
    }
  }

  /**
   * Catches up with a fresh snapshot after the bus lost our place: lineup, pin, and sales
   * this room did not know (returned, so their stock is followed).
   */
  synchronized List<SaleStatus> refresh(StreamSnapshot fresh) {
    if (!fresh.getProductsList().equals(snapshot.getProductsList())) {
      onLineup(fresh.getProductsList());
    }
    String pinnedId = fresh.getStream().getPinnedProductId();
    if (!pinnedId.equals(pinned == null ? "" : pinned.getProductId())) {
      onPinned(pinnedId);
    }
    List<SaleStatus> added = new ArrayList<>();
    for (SaleStatus sale : fresh.getSalesList()) {
      if (sale.getStock().getState() != SaleState.SALE_STATE_ENDED && onSaleStarted(sale)) {
        added.add(sale);
      }
    }
    return added;
  }

  /** The host pinned {@code product}, or unpinned when null. */
  public synchronized void onPin(Product product) {
    pinned = product;
    PinChanged.Builder pin = PinChanged.newBuilder();
    if (product != null) {
      pin.setProduct(product);
    }
    broadcast(ServerFrame.newBuilder().setPin(pin).build(), false);
  }

  /** The lineup after a product was added, removed or moved. */
  public synchronized void onLineup(List<Product> products) {
    snapshot = snapshot.toBuilder().clearProducts().addAllProducts(products).build();
    if (pinned != null && products.stream().noneMatch(p -> p.getProductId().equals(pinned.getProductId()))) {
      onPin(null);
    }
    broadcast(ServerFrame.newBuilder().setLineup(LineupChanged.newBuilder().addAllProducts(products)).build(), false);
  }

  /** A product added to the lineup: appended (once, however often it is told) and fanned out. */
  public synchronized void onProductAdded(Product product) {
    if (product(product.getProductId()) == null) {
      List<Product> lineup = new ArrayList<>(snapshot.getProductsList());
      lineup.add(product);
      onLineup(lineup);
    }
  }

  /** The host pinned a product of the lineup by id, or unpinned (empty id). */
  public synchronized void onPinned(String productId) {
    onPin(productId.isEmpty() ? null : product(productId));
  }

  private void remember(ChatMessage message) {
    recentChat.addLast(message);
    if (recentChat.size() > recentChatLimit) {
      recentChat.removeFirst();
    }
  }

  private Product product(String productId) {
    return snapshot.getProductsList().stream().filter(p -> p.getProductId().equals(productId)).findFirst()
        .orElse(null);
  }

  private void broadcast(ServerFrame frame, boolean writableOnly) {
    ServerFrame numbered = replay.number(frame);
    if (viewers.size() > 0) {
      viewers.broadcast(List.of(new RoomChannels.Outgoing(numbered, writableOnly)));
    }
  }
}
