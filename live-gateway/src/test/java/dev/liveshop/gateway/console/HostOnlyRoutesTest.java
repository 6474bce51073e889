package dev.liveshop.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.proto.v1.Order;
import dev.liveshop.proto.v1.OrderStatus;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every host-only call of the host API, with the tokens that must not pass: none (401), a
 * viewer's and another stream's host's (403), each refused before live-core is asked to
 * do anything; and the stream's host (an operator, for a hand-over) gets through.
 *
 * <p>The handler and its stand-in live-core are {@link HostApiFixture}'s.
 */
class HostOnlyRoutesTest extends HostApiFixture {

  /** A host-only call, and which gRPC calls may precede the refusal (an order is read to learn its stream). */
  record Route(HttpMethod method, String uri, String body, List<String> readsBeforeRefusing, boolean operator) {
    Route(HttpMethod method, String uri, String body) {
      this(method, uri, body, List.of(), false);
    }

    @Override
    public String toString() {
      return method + " " + uri;
    }
  }

  static Stream<Route> hostOnlyRoutes() {
    return Stream.of(
        new Route(HttpMethod.POST, "/api/streams", "{\"streamId\":\"demo\",\"title\":\"Demo\"}"),
        new Route(HttpMethod.POST, "/api/streams/demo/products", "{\"name\":\"Mug\",\"priceCents\":1900}"),
        new Route(HttpMethod.POST, "/api/streams/demo/lineup", "{\"productIds\":[\"p-1\"]}"),
        new Route(HttpMethod.POST, "/api/streams/demo/moderation", "{\"chatEnabled\":false}"),
        new Route(HttpMethod.POST, "/api/streams/demo/pin", "{\"productId\":\"p-1\"}"),
        new Route(HttpMethod.POST, "/api/streams/demo/sales", "{\"productId\":\"p-1\",\"quantity\":10}"),
        new Route(HttpMethod.GET, "/api/streams/demo/orders", ""),
        new Route(HttpMethod.DELETE, "/api/streams/demo/products/p-1", ""),
        new Route(HttpMethod.POST, "/api/streams/demo/sales/s-1", "{\"action\":\"SALE_ACTION_PAUSE\"}"),
        new Route(HttpMethod.POST, "/api/streams/demo/sales/s-1/handover", "{\"toShard\":\"core-1\"}", List.of(),
            true),
        new Route(HttpMethod.GET, "/api/orders/o-1", "", List.of("GetOrder"), false),
        new Route(HttpMethod.POST, "/api/orders/o-1/fulfil", "{\"pickup\":{\"store\":\"Main St\"}}",
            List.of("GetOrder"), false));
  }

  @BeforeEach
  void anOrderOfDemo() {
    orders.put("o-1", Order.newBuilder().setOrderId("o-1").setStreamId("demo").setViewerId("alice")
        .setQuantity(1).setPriceCents(1900).setStatus(OrderStatus.ORDER_STATUS_PAID).build());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostOnlyRoutes")
  void hostOnlyRoute_withoutAToken_is401_andLiveCoreIsNotCalled(Route route) throws Exception {
    Answer answer = send(request(route.method(), route.uri(), null, route.body()));
    assertThat(answer.status()).as(answer.body()).isEqualTo(401);
    assertThat(answer.body()).contains("UNAUTHENTICATED");
    assertThat(calls).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostOnlyRoutes")
  void hostOnlyRoute_withAViewersOrAnotherStreamsHostsToken_is403_andLiveCoreChangesNothing(Route route)
      throws Exception {
    for (String token : List.of(token("mallory", Principal.Role.VIEWER, "demo"),
        token("other-host", Principal.Role.HOST, "other"))) {
      calls.clear();
      Answer answer = send(request(route.method(), route.uri(), token, route.body()));
      assertThat(answer.status()).as(answer.body()).isEqualTo(403);
      assertThat(answer.body()).contains("FORBIDDEN");
      assertThat(calls).as("live-core calls").isEqualTo(route.readsBeforeRefusing());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostOnlyRoutes")
  void hostOnlyRoute_withTheStreamsHostsToken_getsThrough(Route route) throws Exception {
    String hostOfDemo = token("host-1", Principal.Role.HOST, "demo");
    String operator = token("ops", Principal.Role.OPERATOR);
    if (route.operator()) {
      Answer refused = send(request(route.method(), route.uri(), hostOfDemo, route.body()));
      assertThat(refused.status()).as("a host may not move sales: " + refused.body()).isEqualTo(403);
      assertThat(calls).isEmpty();
    }
    Answer answer = send(request(route.method(), route.uri(), route.operator() ? operator : hostOfDemo,
        route.body()));
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(calls).isNotEmpty();
  }
}
