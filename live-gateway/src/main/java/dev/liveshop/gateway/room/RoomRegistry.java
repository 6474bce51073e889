package dev.liveshop.gateway.room;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.liveshop.gateway.core.CoreClient;
import dev.liveshop.gateway.core.CoreShards;
import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.proto.v1.GetStreamRequest;
import dev.liveshop.proto.v1.PublishAck;
import dev.liveshop.proto.v1.RoomBusState;
import dev.liveshop.proto.v1.RoomEvent;
import dev.liveshop.proto.v1.SaleState;
import dev.liveshop.proto.v1.SaleStatus;
import dev.liveshop.proto.v1.StreamSnapshot;
import io.grpc.Status;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms of this gateway, one per stream with viewers, each fed by live-core: opened on
 * the first join from the stream's room bus subscription and snapshot, with its open sales' stock followed by
 * {@link StockSubscriptions} (both renewed after a failure). Everything that changes a
 * room for every viewer (chat, moderation, pins, lineup, sales) is published on the bus
 * and applied when the bus delivers it, so viewers on every gateway see the same room.
 * One ticker sends what accumulated in every room (chat, stock counts, counters) each tick.
 *
 * <p>Threading: the maps are concurrent; room creation completes on a gRPC thread; bus
 * events and stock arrive on gRPC threads; the ticker runs on one event loop.
 */
public final class RoomRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RoomRegistry.class);
  private static final long APPLY_WAIT_MILLIS = 2000;
  /** Counters go out with a tick at most this often (when one changed). */
  private static final long COUNTERS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final CoreShards shards;
  private final StockSubscriptions stock;
  /** Sales whose recorded owner was read in the last second because a shard said the sale moved. */
  private final Cache<String, Boolean> recentOwnerChecks = Caffeine.newBuilder()
      .expireAfterWrite(Duration.ofSeconds(1)).build();
  private final int recentChat;
  private final EventExecutor scheduler;
  private final ConcurrentHashMap<String, CompletableFuture<Room>> rooms = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, RoomFeed> feeds = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> ticker;
  /** When the ticker next asks the rooms for their counters (on the ticker's thread only). */
  private long countersDueNanos = System.nanoTime() + COUNTERS_INTERVAL_NANOS;
  private final ScheduledFuture<?> idleSweeper;
  private final long idleCloseNanos;
  private final GatewayMetrics metrics;
  private final long maxViewerBacklogBytes;
  private final int resumeFrames;
  private final boolean perViewerFanOut;

  public RoomRegistry(CoreShards shards, int recentChat, Duration tick, EventExecutor scheduler,
      GatewayMetrics metrics, long maxViewerBacklogBytes, int resumeFrames, boolean perViewerFanOut,
      Duration idleClose) {
    this.idleCloseNanos = idleClose.toNanos();
    this.metrics = metrics;
    this.perViewerFanOut = perViewerFanOut;
    this.resumeFrames = resumeFrames;
    this.maxViewerBacklogBytes = maxViewerBacklogBytes;
    this.shards = shards;
    this.recentChat = recentChat;
    this.scheduler = scheduler;
    this.stock = new StockSubscriptions(shards, scheduler, this::findMovedSale);
    this.ticker = scheduler.scheduleAtFixedRate(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    long sweepMillis = Math.max(1000, idleClose.toMillis() / 4);
    this.idleSweeper = scheduler.scheduleAtFixedRate(this::closeIdleRooms, sweepMillis, sweepMillis,
        TimeUnit.MILLISECONDS);
  }

  /** The stream's room, opened from live-core's snapshot if this is its first viewer (or it closed). */
  public CompletableFuture<Room> room(String streamId) {
    CompletableFuture<Room> room = rooms.compute(streamId,
        (id, existing) -> existing == null || isClosed(existing) ? open(id) : existing);
    // A failed opening (unknown stream, core down) is forgotten so that a later join retries.
    room.whenComplete((r, e) -> {
      if (e != null) {
        rooms.remove(streamId, room);
      }
    });
    return room;
  }

  private static boolean isClosed(CompletableFuture<Room> room) {
    Room opened = opened(room);
    return opened != null && opened.isClosed();
  }

  /** The room if it finished opening, else null (still opening, failed, or no such room). */
  private static Room opened(CompletableFuture<Room> room) {
    return room != null && room.isDone() && !room.isCompletedExceptionally() ? room.join() : null;
  }

  /**
   * Closes the rooms nobody has watched for the idle time: their bus and stock
   * subscriptions end; the next viewer opens the room afresh from live-core.
   */
  private void closeIdleRooms() {
    long now = System.nanoTime();
    for (var entry : rooms.entrySet()) {
      Room room = opened(entry.getValue());
      if (room == null || !room.closeIfIdle(now, idleCloseNanos)) {
        continue;
      }
      rooms.remove(entry.getKey(), entry.getValue());
      RoomFeed feed = feeds.get(entry.getKey());
      if (feed != null && feed.room() == room) {
        feeds.remove(entry.getKey(), feed);
        feed.close();
      }
      stock.endAll(room);
      log.info("room {} closed: no viewer for {} s", entry.getKey(), TimeUnit.NANOSECONDS.toSeconds(idleCloseNanos));
    }
  }

  /**
   * A shard said the sale left it, and this gateway was not told where it went (the room
   * bus announcement was lost, or an operator moved it with live-core's API directly): read
   * the sale's recorded owner from the stream and follow it there. At most once a second
   * per sale, however many taps bounced.
   */
  public void findMovedSale(String streamId, String saleId) {
    if (recentOwnerChecks.asMap().putIfAbsent(saleId, Boolean.TRUE) != null) {
      return;
    }
    Room room = opened(rooms.get(streamId));
    if (room == null) {
      return;
    }
    snapshot(streamId).thenAccept(snapshot -> snapshot.getSalesList().stream()
        .filter(sale -> sale.getSale().getSaleId().equals(saleId))
        .findFirst()
        .filter(sale -> !sale.getSale().getOwnerShard().isEmpty()
            && !sale.getSale().getOwnerShard().equals(room.saleOwner(saleId)))
        .ifPresent(sale -> stock.onSale(room, sale)));
  }

  /** Rooms open (or opening) on this gateway. */
  public int openRooms() {
    return rooms.size();
  }

  /**
   * Publishes an event of a stream's room on the bus; every gateway's room of the stream
   * applies it when the bus delivers it. Completes when the bus took it.
   */
  public CompletableFuture<PublishAck> publish(RoomEvent event) {
    return CoreClient.toCompletable(shards.home(event.getStreamId()).bus().publish(event));
  }

  /**
   * Publishes like {@link #publish}, and completes once this gateway's room of the stream
   * (if open here) has applied the event too, or after {@code APPLY_WAIT_MILLIS} if the bus
   * is slow to bring it back: a host's mute is in force here by the time the host hears "done".
   */
  public CompletableFuture<PublishAck> publishAndApply(RoomEvent event) {
    return publish(event).thenCompose(ack -> {
      RoomFeed feed = feeds.get(event.getStreamId());
      return feed == null ? CompletableFuture.completedFuture(ack)
          : feed.applied(ack.getBusEpoch(), ack.getSeq())
              .completeOnTimeout(null, APPLY_WAIT_MILLIS, TimeUnit.MILLISECONDS).thenApply(v -> ack);
    });
  }

  /**
   * Subscribes to the stream's bus, then reads its snapshot: the room starts from the
   * snapshot and the bus's chat state, and the events published since the subscription
   * (already in the snapshot or not: applying them is idempotent) follow in order.
   */
  private CompletableFuture<Room> open(String streamId) {
    RoomFeed feed = new RoomFeed(streamId, shards.home(streamId), scheduler, listener);
    return feed.start().thenCompose(state -> snapshot(streamId).thenApply(snapshot -> {
      Room room = new Room(snapshot, state, recentChat, metrics, maxViewerBacklogBytes, resumeFrames,
          perViewerFanOut);
      followOpenSales(room, snapshot);
      feeds.put(streamId, feed);
      feed.attach(room);
      log.info("room {} opened with {} open sale(s)", streamId, snapshot.getSalesCount());
      return room;
    })).whenComplete((room, failure) -> {
      if (failure != null) {
        feed.close();
      }
    });
  }

  private CompletableFuture<StreamSnapshot> snapshot(String streamId) {
    return CoreClient.toCompletable(shards.home(streamId).catalog().getStream(GetStreamRequest.newBuilder()
        .setStreamId(streamId).build()));
  }

  private void followOpenSales(Room room, StreamSnapshot snapshot) {
    for (SaleStatus sale : snapshot.getSalesList()) {
      if (sale.getStock().getState() != SaleState.SALE_STATE_ENDED) {
        stock.follow(room, sale.getSale().getSaleId());
      }
    }
  }

  /** What the bus's events do to a room. */
  private final RoomFeed.Listener listener = new RoomFeed.Listener() {
    @Override
    public void apply(Room room, RoomEvent event) {
      switch (event.getKindCase()) {
        case CHAT -> room.onChat(event.getChat());
        case MODERATION -> room.moderate(event.getModeration());
        case PINNED_PRODUCT_ID -> room.onPinned(event.getPinnedProductId());
        case PRODUCT_ADDED -> room.onProductAdded(event.getProductAdded());
        case LINEUP -> room.onLineup(event.getLineup().getProductsList());
        case SALE -> stock.onSale(room, event.getSale());
        default -> log.warn("room bus sent an event this gateway does not know ({}); ignored", event.getKindCase());
      }
    }

    @Override
    public void reset(Room room, RoomBusState state, RoomFeed feed) {
      // The chat rules come with the reset itself: a viewer muted meanwhile is muted here
      // now, whether or not the stream can be re-read.
      room.resetRules(state);
      snapshot(room.streamId()).whenComplete((snapshot, failure) -> {
        if (failure == null) {
          followAdded(room, room.refresh(snapshot));
        } else {
          rereadLater(room, Status.fromThrowable(failure), 1);
        }
        feed.attach(room);
      });
    }
  };

  private void followAdded(Room room, List<SaleStatus> added) {
    for (SaleStatus sale : added) {
      stock.follow(room, sale.getSale().getSaleId());
    }
  }

  /**
   * Re-reads the stream after a bus reset whose first re-read failed (live-core's store
   * slow or down), with backoff, while the room is open: sales launched and pins changed
   * while this gateway was away would otherwise never show. The room's events flow
   * meanwhile; a pin or lineup change published while a late re-read is on its way may be
   * shown as it was until the next one.
   */
  private void rereadLater(Room room, Status failure, int attempt) {
    if (room.isClosed()) {
      return;
    }
    long delaySeconds = Math.min(30, 1L << Math.min(attempt - 1, 5));
    log.warn("cannot re-read stream {} after a bus reset ({}); trying again in {} s", room.streamId(), failure,
        delaySeconds);
    scheduler.schedule(() -> snapshot(room.streamId()).whenComplete((snapshot, again) -> {
      if (room.isClosed()) {
        // Closed while the read was on its way: a newer room of the stream may follow these
        // sales now, and following them for this one would take its stock watch.
        return;
      }
      if (again == null) {
        followAdded(room, room.refresh(snapshot));
      } else {
        rereadLater(room, Status.fromThrowable(again), attempt + 1);
      }
    }), delaySeconds, TimeUnit.SECONDS);
  }

  private void tick() {
    long now = System.nanoTime();
    boolean withCounters = now - countersDueNanos >= 0;
    if (withCounters) {
      countersDueNanos = now + COUNTERS_INTERVAL_NANOS;
    }
    for (CompletableFuture<Room> future : rooms.values()) {
      Room room = opened(future);
      if (room != null) {
        try {
          room.tick(withCounters);
        } catch (RuntimeException e) {
          // One room's failure must not stop the ticker for all rooms.
          log.error("ticker failed in room {}", room.streamId(), e);
        }
      }
    }
  }

  @Override
  public void close() {
    stock.close();
    ticker.cancel(false);
    idleSweeper.cancel(false);
    feeds.values().forEach(RoomFeed::close);
  }
}
