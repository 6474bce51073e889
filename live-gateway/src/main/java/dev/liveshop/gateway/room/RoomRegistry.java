package dev.liveshop.gateway.room;

import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.proto.v1.GetStreamRequest;
import dev.liveshop.proto.v1.Product;
import dev.liveshop.proto.v1.SaleStatus;
import dev.liveshop.proto.v1.SaleState;
import dev.liveshop.proto.v1.StockUpdate;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms of this gateway, one per stream with viewers, each fed by live-core: opened on
 * the first join from the stream's snapshot, with a WatchStock subscription per open
 * sale (resubscribed after a failure). One ticker flushes every room's chat, another
 * publishes every room's counters once a second.
 *
 * <p>Threading: the map is concurrent; room creation completes on a gRPC thread; stock
 * arrives on gRPC threads; the chat ticker runs on one event loop.
 */
public final class RoomRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RoomRegistry.class);
  private static final long RESUBSCRIBE_MILLIS = 1000;

  private final CoreClient core;
  private final int recentChat;
  private final EventExecutor scheduler;
  private final ConcurrentHashMap<String, CompletableFuture<Room>> rooms = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> chatTicker;
  private final ScheduledFuture<?> countersTicker;
  private volatile boolean closed;
  private final GatewayMetrics metrics;
  private final long maxViewerBacklogBytes;
  private final int resumeFrames;
  private final boolean perViewerFanOut;

  public RoomRegistry(CoreClient core, int recentChat, Duration tick, EventExecutor scheduler,
      GatewayMetrics metrics, long maxViewerBacklogBytes, int resumeFrames, boolean perViewerFanOut) {
    this.metrics = metrics;
    this.perViewerFanOut = perViewerFanOut;
    this.resumeFrames = resumeFrames;
    this.maxViewerBacklogBytes = maxViewerBacklogBytes;
    this.core = core;
    this.recentChat = recentChat;
    this.scheduler = scheduler;
    this.chatTicker = scheduler.scheduleAtFixedRate(() -> eachRoom(Room::flushChat), tick.toMillis(), tick.toMillis(),
        TimeUnit.MILLISECONDS);
    this.countersTicker = scheduler.scheduleAtFixedRate(() -> eachRoom(Room::publishCounters), 1, 1,
        TimeUnit.SECONDS);
  }

  /** The stream's room, opened from live-core's snapshot if this is its first viewer. */
  public CompletableFuture<Room> room(String streamId) {
    CompletableFuture<Room> room = rooms.computeIfAbsent(streamId, this::open);
    // A failed opening (unknown stream, core down) is forgotten so that a later join retries.
    room.whenComplete((r, e) -> {
      if (e != null) {
        rooms.remove(streamId, room);
      }
    });
    return room;
  }

  /**
   * Applies a host's change to the stream's room if it is open here or opening: a room
   * whose snapshot was read just before the change gets it when it opens (the changes are
   * idempotent, so a snapshot that already had it is unharmed). No room, nothing to tell.
   */
  public void whenOpen(String streamId, Consumer<Room> change) {
    CompletableFuture<Room> room = rooms.get(streamId);
    if (room != null) {
      room.thenAccept(change);
    }
  }

  /** Rooms open (or opening) on this gateway. */
  public int openRooms() {
    return rooms.size();
  }

  /** Tells the stream's room (if open here) about a sale the host launched, and follows its stock. */
  public void saleStarted(SaleStatus sale) {
    whenOpen(sale.getSale().getStreamId(), room -> {
      room.onSaleStarted(sale);
      follow(room, sale.getSale().getSaleId());
    });
  }

  /** Tells the stream's room (if open here) that the host pinned {@code productId} (empty: unpinned). */
  public void pinned(String streamId, String productId) {
    whenOpen(streamId, room -> room.onPinned(productId));
  }

  /** Tells the stream's room (if open here) about a product added to its lineup. */
  public void productAdded(Product product) {
    whenOpen(product.getStreamId(), room -> room.onProductAdded(product));
  }

  /** Tells the stream's room (if open here) about its new lineup. */
  public void lineupChanged(String streamId, java.util.List<Product> products) {
    whenOpen(streamId, room -> room.onLineup(products));
  }

  private CompletableFuture<Room> open(String streamId) {
    return CoreClient.toCompletable(core.catalog().getStream(GetStreamRequest.newBuilder().setStreamId(streamId)
        .build())).thenApply(snapshot -> {
          Room room = new Room(snapshot, recentChat, metrics, maxViewerBacklogBytes, resumeFrames,
              perViewerFanOut);
          for (SaleStatus sale : snapshot.getSalesList()) {
            if (sale.getStock().getState() != SaleState.SALE_STATE_ENDED) {
              follow(room, sale.getSale().getSaleId());
            }
          }
          log.info("room {} opened with {} open sale(s)", streamId, snapshot.getSalesCount());
          return room;
        });
  }

  /** Streams a sale's stock into its room until the sale ends; resubscribes after a failure. */
  private void follow(Room room, String saleId) {
    core.watchStock(saleId, new StreamObserver<>() {
      @Override
      public void onNext(StockUpdate update) {
        room.onStock(update);
      }

      @Override
      public void onError(Throwable t) {
        Status status = Status.fromThrowable(t);
        if (closed || status.getCode() == Status.Code.NOT_FOUND) {
          return;
        }
        log.warn("stock of sale {} lost ({}); resubscribing", saleId, status);
        scheduler.schedule(() -> follow(room, saleId), RESUBSCRIBE_MILLIS, TimeUnit.MILLISECONDS);
      }

      @Override
      public void onCompleted() {
        // The sale ended; its last update said so.
      }
    });
  }

  private void eachRoom(java.util.function.Consumer<Room> action) {
    for (CompletableFuture<Room> room : rooms.values()) {
      if (room.isDone() && !room.isCompletedExceptionally()) {
        try {
          action.accept(room.join());
        } catch (RuntimeException e) {
          // One room's failure must not stop the ticker for all rooms.
          log.error("ticker failed in room {}", room.join().streamId(), e);
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    chatTicker.cancel(false);
    countersTicker.cancel(false);
  }
}
