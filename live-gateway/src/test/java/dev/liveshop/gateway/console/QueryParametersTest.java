package dev.liveshop.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.auth.Principal;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A numeric query parameter that is not a number is refused before live-core: 400, no call. */
class QueryParametersTest extends HostApiFixture {

  @ParameterizedTest(name = "limit={0}")
  @ValueSource(strings = {"", "ten", "1.5", "99999999999"})
  void streamOrders_limitNotANumber_is400(String limit) throws Exception {
    Answer answer = send(request(HttpMethod.GET, "/api/streams/demo/orders?limit=" + limit,
        token("host-1", Principal.Role.HOST, "demo"), ""));
    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    assertThat(answer.body()).contains("INVALID_ARGUMENT").contains("limit must be a number");
    assertThat(calls).isEmpty();
  }

  @ParameterizedTest(name = "pageSize={0}")
  @ValueSource(strings = {"", "many"})
  void myOrders_pageSizeNotANumber_is400(String pageSize) throws Exception {
    Answer answer = send(request(HttpMethod.GET, "/api/me/orders?pageSize=" + pageSize,
        token("alice", Principal.Role.VIEWER), ""));
    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    assertThat(calls).isEmpty();
  }
}
