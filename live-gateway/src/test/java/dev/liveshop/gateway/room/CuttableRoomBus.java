package dev.liveshop.gateway.room;

import dev.liveshop.core.bus.BusSubscriber;
import dev.liveshop.core.bus.MemoryRoomRules;
import dev.liveshop.core.bus.RoomBus;
import dev.liveshop.core.config.BusSettings;
import dev.liveshop.proto.v1.RoomBusServiceGrpc;
import dev.liveshop.proto.v1.RoomEvent;
import dev.liveshop.proto.v1.WatchRoomRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * live-core's room bus service with its real {@link RoomBus}, whose subscriptions a room test
 * can cut (a lost connection) and whose bus it can restart (a new process: another epoch, the
 * same stored chat rules, as Cassandra keeps them).
 */
final class CuttableRoomBus extends RoomBusServiceGrpc.RoomBusServiceImplBase {

  private final MemoryRoomRules storedRules = new MemoryRoomRules();
  volatile RoomBus bus = newBus();
  final List<WatchRoomRequest> requests = new CopyOnWriteArrayList<>();
  private final List<Subscription> open = new CopyOnWriteArrayList<>();

  @Override
  public void watchRoom(WatchRoomRequest request, StreamObserver<RoomEvent> observer) {
    requests.add(request);
    Subscription subscription = new Subscription((ServerCallStreamObserver<RoomEvent>) observer);
    open.add(subscription);
    bus.subscribe(request.getStreamId(), subscription, request.getBusEpoch(), request.getAfterSeq());
  }

  void cutAll() {
    open.forEach(Subscription::cut);
    open.clear();
  }

  /** live-core restarted: a new bus (another epoch), and every gateway lost its subscription. */
  void restartBus() {
    bus = newBus();
    cutAll();
  }

  private RoomBus newBus() {
    return new RoomBus(new BusSettings(64, 10, 1000, Duration.ofMinutes(10)), storedRules);
  }

  /** A subscription the bus writes to until the test cuts it (as a lost connection does). */
  private static final class Subscription implements BusSubscriber {
    private final ServerCallStreamObserver<RoomEvent> call;
    private boolean cut;

    Subscription(ServerCallStreamObserver<RoomEvent> call) {
      this.call = call;
    }

    @Override
    public synchronized boolean isReady() {
      return true;
    }

    @Override
    public synchronized boolean isCancelled() {
      return cut || call.isCancelled();
    }

    @Override
    public synchronized void send(RoomEvent event) {
      if (!cut) {
        call.onNext(event);
      }
    }

    @Override
    public synchronized void fellBehind(String reason) {
      cut();
    }

    @Override
    public synchronized void closing() {
      cut();
    }

    synchronized void cut() {
      if (!cut) {
        cut = true;
        call.onError(Status.UNAVAILABLE.withDescription("connection lost").asRuntimeException());
      }
    }
  }
}
