package dev.liveshop.gateway.room;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChatRulesTest {

  private final ChatRules rules = new ChatRules();

  @Test
  void slowMode_oneMessagePerWindowPerViewer() {
    rules.slowMode(2);
    assertThat(rules.refusal("ann", 10_000)).isNull();
    assertThat(rules.refusal("ann", 11_999)).contains("slow mode").contains("wait 1 s");
    assertThat(rules.refusal("bob", 11_999)).isNull();
    assertThat(rules.refusal("ann", 12_000)).isNull();
  }

  @Test
  void slowMode_aMessageThatWasNotSent_doesNotCountAgainstTheViewer() {
    rules.slowMode(30);
    assertThat(rules.refusal("ann", 10_000)).isNull();
    rules.notSent("ann", 10_000); // the bus did not take it: ann was told to send it again
    assertThat(rules.refusal("ann", 10_500)).as("the retry").isNull();
    assertThat(rules.refusal("ann", 11_000)).as("the retry counted").contains("wait 30 s");
    rules.notSent("ann", 10_000); // a late word on an older message changes nothing
    assertThat(rules.refusal("ann", 11_000)).contains("wait 30 s");
  }

  @Test
  void slowMode_viewersWhoseWaitIsOverAreForgotten_andThoseStillWaitingAreNot() {
    rules.slowMode(1);
    for (int i = 0; i < 5_000; i++) {
      assertThat(rules.refusal("early-" + i, 10_000)).isNull();
    }
    assertThat(rules.refusal("late", 10_500)).isNull();
    // A second later the early viewers' waits are over: the next prune drops them.
    for (int i = 0; i < 5_000; i++) {
      assertThat(rules.refusal("next-" + i, 11_000)).isNull();
    }
    assertThat(rules.slowModeEntries()).as("the 5,000 early viewers are gone").isEqualTo(5_001);
    assertThat(rules.refusal("late", 11_400)).as("still inside its window").isNotNull();
    assertThat(rules.refusal("next-1", 11_900)).isNotNull();
  }
}
