package dev.liveshop.core.grpc;

import dev.liveshop.core.bus.BusSubscriber;
import dev.liveshop.core.bus.RoomBus;
import dev.liveshop.proto.v1.PublishAck;
import dev.liveshop.proto.v1.RoomBusServiceGrpc;
import dev.liveshop.proto.v1.RoomEvent;
import dev.liveshop.proto.v1.WatchRoomRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * gRPC face of the {@link RoomBus}: translation only. Runs on gRPC's executor: a stream's
 * first call reads its chat rules, and moderation actions are stored, in Cassandra.
 */
public final class RoomBusGrpcService extends RoomBusServiceGrpc.RoomBusServiceImplBase {

  private final RoomBus bus;

  public RoomBusGrpcService(RoomBus bus) {
    this.bus = bus;
  }

  @Override
  public void watchRoom(WatchRoomRequest request, StreamObserver<RoomEvent> observer) {
    ServerCallStreamObserver<RoomEvent> call = (ServerCallStreamObserver<RoomEvent>) observer;
    // With a handler set, gRPC drops messages sent after the gateway cancelled instead of
    // throwing CANCELLED into the publisher's fan-out; the log drops the subscriber.
    call.setOnCancelHandler(() -> { });
    try {
      bus.subscribe(request.getStreamId(), new Subscriber(call), request.getBusEpoch(), request.getAfterSeq());
    } catch (RuntimeException e) {
      call.onError(GrpcErrors.toStatus(e));
    }
  }

  /** At shutdown: every WatchRoom call ends with UNAVAILABLE, and the gateway subscribes again. */
  public void endStreams() {
    bus.endSubscriptions();
  }

  @Override
  public void publish(RoomEvent event, StreamObserver<PublishAck> observer) {
    GrpcErrors.answer(observer, () -> bus.publish(event));
  }

  /** A WatchRoom call; the stream's RoomLog monitor serialises the calls on it. */
  private record Subscriber(ServerCallStreamObserver<RoomEvent> call) implements BusSubscriber {

    @Override
    public boolean isReady() {
      return call.isReady();
    }

    @Override
    public boolean isCancelled() {
      return call.isCancelled();
    }

    @Override
    public void send(RoomEvent event) {
      call.onNext(event);
    }

    @Override
    public void fellBehind(String reason) {
      call.onError(Status.RESOURCE_EXHAUSTED.withDescription(reason).asRuntimeException());
    }

    @Override
    public void closing() {
      call.onError(GrpcErrors.shuttingDown().asRuntimeException());
    }
  }
}
