package dev.liveshop.gateway.room;

import dev.liveshop.gateway.core.CoreShards;
import dev.liveshop.logging.WarningThrottle;
import dev.liveshop.proto.v1.SaleStatus;
import dev.liveshop.proto.v1.StockUpdate;
import dev.liveshop.proto.v1.WatchStockRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WatchStock subscription of each sale open in a room of this gateway, one per sale,
 * at the shard that holds it: its updates go into the room until the sale ends. A failed
 * subscription is renewed after {@value #RESUBSCRIBE_MILLIS} ms at the owner the room then
 * knows; a sale that moved gets a new one there, which makes the old one's failure moot.
 *
 * <p>Threading: the map is concurrent; calls come from gRPC threads (bus events, snapshots)
 * and the scheduler's event loop; stock arrives on gRPC threads.
 */
final class StockSubscriptions {

  private static final Logger log = LoggerFactory.getLogger(StockSubscriptions.class);
  private static final long RESUBSCRIBE_MILLIS = 1000;

  private final CoreShards shards;
  private final EventExecutor scheduler;
  /**
   * Told (stream, sale) when the shard the room names says it does not have the sale: it
   * ended before that shard started, or moved without this gateway hearing of it.
   */
  private final BiConsumer<String, String> notAtOwner;
  private final ConcurrentHashMap<String, Subscription> bySale = new ConcurrentHashMap<>();
  /** A live-core down loses every followed sale's stock every second: a few warnings tell it. */
  private final WarningThrottle losses = new WarningThrottle(Duration.ofSeconds(10));
  private volatile boolean closed;

  StockSubscriptions(CoreShards shards, EventExecutor scheduler, BiConsumer<String, String> notAtOwner) {
    this.shards = shards;
    this.scheduler = scheduler;
    this.notAtOwner = notAtOwner;
  }

  /**
   * A sale launched in the room, or one that moved to another shard: the room knows it,
   * and its stock is followed where it now is.
   */
  void onSale(Room room, SaleStatus sale) {
    String saleId = sale.getSale().getSaleId();
    room.onSaleStarted(sale);
    Subscription current = bySale.get(saleId);
    String owner = ownerOf(room, saleId).name();
    if (current == null || !current.shard.equals(owner)) {
      log.info("following the stock of sale {} of stream {} on shard {}", saleId, room.streamId(), owner);
      follow(room, saleId);
    }
  }

  /**
   * Streams a sale's stock into its room from the shard that holds it, until the sale
   * ends, replacing the sale's subscription before it.
   */
  void follow(Room room, String saleId) {
    if (room.isClosed()) {
      return;
    }
    CoreShards.Shard owner = ownerOf(room, saleId);
    Subscription subscription = new Subscription(owner.name(), room);
    Subscription replaced = bySale.put(saleId, subscription);
    if (replaced != null) {
      replaced.cancel();
    }
    owner.client().watchStock(saleId, new ClientResponseObserver<WatchStockRequest, StockUpdate>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<WatchStockRequest> call) {
        subscription.call = call;
      }

      @Override
      public void onNext(StockUpdate update) {
        room.onStock(update);
      }

      @Override
      public void onError(Throwable t) {
        if (closed || bySale.get(saleId) != subscription) {
          return;
        }
        Status status = Status.fromThrowable(t);
        if (status.getCode() == Status.Code.NOT_FOUND && ownerOf(room, saleId) == owner) {
          bySale.remove(saleId, subscription);
          notAtOwner.accept(room.streamId(), saleId);
          return;
        }
        long lost = losses.occurred();
        if (lost > 0) {
          log.warn("{} stock subscription(s) lost since the last warning, each renewed after {} ms; the latest, "
              + "of sale {} from shard {}: {}: {}", lost, RESUBSCRIBE_MILLIS, saleId, owner.name(), status.getCode(),
              status.getDescription());
        }
        scheduler.schedule(() -> {
          if (bySale.get(saleId) == subscription) {
            follow(room, saleId);
          }
        }, RESUBSCRIBE_MILLIS, TimeUnit.MILLISECONDS);
      }

      @Override
      public void onCompleted() {
        // The sale ended; its last update said so.
        bySale.remove(saleId, subscription);
      }
    });
  }

  /** Ends the subscriptions of a room that closed. */
  void endAll(Room room) {
    bySale.forEach((saleId, subscription) -> {
      if (subscription.room == room && bySale.remove(saleId, subscription)) {
        subscription.cancel();
      }
    });
  }

  /** From now on failures are not renewed (the gateway stops; the calls end with its channels). */
  void close() {
    closed = true;
  }

  private CoreShards.Shard ownerOf(Room room, String saleId) {
    return shards.owner(room.saleOwner(saleId), room.streamId());
  }

  /** One WatchStock call: which shard it is from, for which room, and how to end it. */
  private static final class Subscription {
    final String shard;
    final Room room;
    volatile ClientCallStreamObserver<WatchStockRequest> call;

    Subscription(String shard, Room room) {
      this.shard = shard;
      this.room = room;
    }

    void cancel() {
      ClientCallStreamObserver<WatchStockRequest> started = call;
      if (started != null) {
        started.cancel("no longer followed here", null);
      }
    }
  }
}
