package dev.liveshop.gateway.console;

import dev.liveshop.core.bus.MemoryRoomRules;
import dev.liveshop.core.bus.RoomBus;
import dev.liveshop.core.config.BusSettings;
import dev.liveshop.core.grpc.RoomBusGrpcService;
import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.gateway.auth.TokenService;
import dev.liveshop.gateway.core.CoreShards;
import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.room.RoomRegistry;
import dev.liveshop.proto.v1.AddProductRequest;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.CreateSaleRequest;
import dev.liveshop.proto.v1.CreateStreamRequest;
import dev.liveshop.proto.v1.FlashSale;
import dev.liveshop.proto.v1.FulfillOrderRequest;
import dev.liveshop.proto.v1.GetOrderRequest;
import dev.liveshop.proto.v1.GetStreamRequest;
import dev.liveshop.proto.v1.HandOverSaleRequest;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.Lineup;
import dev.liveshop.proto.v1.ListOrdersResponse;
import dev.liveshop.proto.v1.ListStreamOrdersRequest;
import dev.liveshop.proto.v1.Order;
import dev.liveshop.proto.v1.OrderChangeResponse;
import dev.liveshop.proto.v1.OrderChangeResult;
import dev.liveshop.proto.v1.OrderServiceGrpc;
import dev.liveshop.proto.v1.OrderStatus;
import dev.liveshop.proto.v1.PinProductRequest;
import dev.liveshop.proto.v1.Product;
import dev.liveshop.proto.v1.RemoveProductRequest;
import dev.liveshop.proto.v1.ReorderLineupRequest;
import dev.liveshop.proto.v1.SaleStatus;
import dev.liveshop.proto.v1.SettlePaymentRequest;
import dev.liveshop.proto.v1.Stream;
import dev.liveshop.proto.v1.StreamSnapshot;
import dev.liveshop.proto.v1.UpdateSaleRequest;
import dev.liveshop.shard.ShardMap;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The host API's handler on an EmbeddedChannel (requests as the aggregator hands them on),
 * live-core played by small fakes of its catalogue, inventory and order services on gRPC's
 * in-process transport, behind live-core's real room bus; a real TokenService. Every call
 * the fake core receives is recorded by method name, and calls can be made to fail.
 */
abstract class HostApiFixture {

  static final String PAYMENT_SECRET = "provider-secret";

  /** Bare gRPC method names live-core was called with, in order (room bus calls included). */
  final List<String> calls = new CopyOnWriteArrayList<>();
  /** How many more calls of a method (bare name) fail with UNAVAILABLE. */
  final Map<String, AtomicInteger> failing = new ConcurrentHashMap<>();
  /** The orders the fake order service knows, by id. */
  final Map<String, Order> orders = new ConcurrentHashMap<>();
  final List<SettlePaymentRequest> settled = new CopyOnWriteArrayList<>();
  final TokenService tokens = new TokenService("host-api-test-signing-key-0123456789", Clock.systemUTC());

  private Server core;
  private ManagedChannel coreChannel;
  private CoreShards shards;
  private DefaultEventExecutor ticker;
  private RoomRegistry rooms;
  EmbeddedChannel http;

  @BeforeEach
  void startCore() throws Exception {
    String name = InProcessServerBuilder.generateName();
    core = InProcessServerBuilder.forName(name).directExecutor()
        .addService(ServerInterceptors.intercept(new RoomBusGrpcService(new RoomBus(
            new BusSettings(64, 10, 1000, Duration.ofMinutes(10)), new MemoryRoomRules())), recordAndFail()))
        .addService(ServerInterceptors.intercept(new Catalog(), recordAndFail()))
        .addService(ServerInterceptors.intercept(new Inventory(), recordAndFail()))
        .addService(ServerInterceptors.intercept(new Orders(), recordAndFail()))
        .build().start();
    coreChannel = InProcessChannelBuilder.forName(name).directExecutor().build();
    shards = new CoreShards(ShardMap.single("core-1", "in-process:1"), Map.of("core-1", coreChannel),
        Duration.ofSeconds(5));
    ticker = new DefaultEventExecutor();
    GatewayMetrics metrics = new GatewayMetrics(() -> 1);
    rooms = new RoomRegistry(shards, 10, Duration.ofHours(1), ticker, metrics, 1 << 20, 3, false,
        Duration.ofMinutes(5));
    http = new EmbeddedChannel(new HostApiHandler(shards, rooms, tokens, false, Duration.ofHours(1), PAYMENT_SECRET,
        Duration.ofMinutes(5), metrics, () -> null));
  }

  @AfterEach
  void stopCore() {
    http.finishAndReleaseAll();
    rooms.close();
    ticker.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    coreChannel.shutdownNow();
    core.shutdownNow();
  }

  String token(String viewerId, Principal.Role role, String... streams) {
    return tokens.issue(viewerId, role, Set.of(streams), Duration.ofHours(1));
  }

  static FullHttpRequest request(HttpMethod method, String uri, String token, String body) {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    request.headers().set(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
    if (token != null) {
      request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
    }
    return request;
  }

  /** The handler's answer to {@code request}: status code and body, the response released. */
  Answer send(FullHttpRequest request) throws InterruptedException {
    http.writeInbound(request);
    // Live-core's answer is written from gRPC's thread: wait for it, bounded.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      http.runPendingTasks();
      FullHttpResponse response = http.readOutbound();
      if (response != null) {
        try {
          return new Answer(response.status().code(), response.content().toString(StandardCharsets.UTF_8));
        } finally {
          response.release();
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no answer to " + request.method() + " " + request.uri() + " within 5 s");
  }

  record Answer(int status, String body) {}

  private ServerInterceptor recordAndFail() {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        String method = call.getMethodDescriptor().getBareMethodName();
        calls.add(method);
        AtomicInteger failures = failing.get(method);
        if (failures != null && failures.getAndDecrement() > 0) {
          call.close(Status.UNAVAILABLE.withDescription(method + " down (test)"), new Metadata());
          return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
      }
    };
  }

  private static <T> void answer(StreamObserver<T> out, T value) {
    out.onNext(value);
    out.onCompleted();
  }

  /** Stream "demo" with product p-1 and sale s-1 on core-1; any other stream is unknown. */
  private static final class Catalog extends CatalogServiceGrpc.CatalogServiceImplBase {
    private static final Product PRODUCT = Product.newBuilder().setProductId("p-1").setName("Mug").build();

    @Override
    public void getStream(GetStreamRequest r, StreamObserver<StreamSnapshot> out) {
      if (!r.getStreamId().equals("demo")) {
        out.onError(Status.NOT_FOUND.asRuntimeException());
        return;
      }
      answer(out, StreamSnapshot.newBuilder().setStream(Stream.newBuilder().setStreamId("demo")).addProducts(PRODUCT)
          .addSales(SaleStatus.newBuilder().setSale(FlashSale.newBuilder().setSaleId("s-1").setStreamId("demo")
              .setOwnerShard("core-1"))).build());
    }

    @Override
    public void createStream(CreateStreamRequest r, StreamObserver<Stream> out) {
      answer(out, Stream.newBuilder().setStreamId(r.getStreamId()).setHostId(r.getHostId()).build());
    }

    @Override
    public void addProduct(AddProductRequest r, StreamObserver<Product> out) {
      answer(out, PRODUCT);
    }

    @Override
    public void pinProduct(PinProductRequest r, StreamObserver<Stream> out) {
      answer(out, Stream.newBuilder().setStreamId(r.getStreamId()).setPinnedProductId(r.getProductId()).build());
    }

    @Override
    public void removeProduct(RemoveProductRequest r, StreamObserver<Lineup> out) {
      answer(out, Lineup.newBuilder().setStreamId(r.getStreamId()).build());
    }

    @Override
    public void reorderLineup(ReorderLineupRequest r, StreamObserver<Lineup> out) {
      answer(out, Lineup.newBuilder().setStreamId(r.getStreamId()).addProducts(PRODUCT).build());
    }
  }

  private static final class Inventory extends InventoryServiceGrpc.InventoryServiceImplBase {
    @Override
    public void createSale(CreateSaleRequest r, StreamObserver<FlashSale> out) {
      answer(out, FlashSale.newBuilder().setSaleId("s-2").setStreamId(r.getStreamId()).setOwnerShard("core-1")
          .build());
    }

    @Override
    public void updateSale(UpdateSaleRequest r, StreamObserver<SaleStatus> out) {
      answer(out, SaleStatus.newBuilder().setSale(FlashSale.newBuilder().setSaleId(r.getSaleId())).build());
    }

    @Override
    public void handOverSale(HandOverSaleRequest r, StreamObserver<SaleStatus> out) {
      answer(out, SaleStatus.newBuilder().setSale(FlashSale.newBuilder().setSaleId(r.getSaleId())
          .setStreamId("demo").setOwnerShard("core-1")).build());
    }
  }

  private final class Orders extends OrderServiceGrpc.OrderServiceImplBase {
    @Override
    public void getOrder(GetOrderRequest r, StreamObserver<Order> out) {
      Order order = orders.get(r.getOrderId());
      if (order == null) {
        out.onError(Status.NOT_FOUND.asRuntimeException());
        return;
      }
      answer(out, order);
    }

    @Override
    public void listStreamOrders(ListStreamOrdersRequest r, StreamObserver<ListOrdersResponse> out) {
      answer(out, ListOrdersResponse.getDefaultInstance());
    }

    @Override
    public void fulfillOrder(FulfillOrderRequest r, StreamObserver<Order> out) {
      answer(out, orders.get(r.getOrderId()).toBuilder().setStatus(OrderStatus.ORDER_STATUS_FULFILLED).build());
    }

    @Override
    public void settlePayment(SettlePaymentRequest r, StreamObserver<OrderChangeResponse> out) {
      settled.add(r);
      answer(out, OrderChangeResponse.newBuilder().setOrderId(r.getOrderId())
          .setResult(OrderChangeResult.ORDER_CHANGE_RESULT_APPLIED)
          .setStatus(r.getPaid() ? OrderStatus.ORDER_STATUS_PAID : OrderStatus.ORDER_STATUS_CANCELLED).build());
    }
  }
}
