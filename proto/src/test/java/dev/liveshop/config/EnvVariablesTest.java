package dev.liveshop.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvVariablesTest {

  @Test
  void of_mapsEachKeyToTheVariableOfItsOverride_andSkipsKeysWithout() {
    EnvVariables variables = EnvVariables.of(ConfigFactory.parseResources("reference.conf"));
    assertThat(variables.byKey()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "liveshop.test.enabled", "LIVESHOP_TEST_ENABLED",
        "liveshop.test.section.timeout", "LIVESHOP_TEST_TIMEOUT",
        "liveshop.test.size", "LIVESHOP_TEST_SIZE"));
    assertThat(variables.variable("liveshop.test.hidden")).isEmpty();
    assertThat(variables.name("liveshop.test.size")).isEqualTo("liveshop.test.size (LIVESHOP_TEST_SIZE)");
    assertThat(variables.name("liveshop.test.hidden")).isEqualTo("liveshop.test.hidden");
  }

  @Test
  void of_aSubstitutionOverriddenLater_isNotTheKeysVariable() {
    EnvVariables variables = EnvVariables.of(ConfigFactory.parseString(
        "liveshop { a = 1, a = ${?LIVESHOP_A}, a = 3, b = ${?LIVESHOP_B} }"));
    assertThat(variables.byKey()).containsExactlyInAnyOrderEntriesOf(Map.of("liveshop.b", "LIVESHOP_B"));
  }

  @Test
  void load_takesTheGivenEnvironment_andTheOriginNamesTheVariable() {
    Config config = EnvVariables.load(Map.of("LIVESHOP_TEST_SIZE", "7", "LIVESHOP_TEST_TIMEOUT", "3s"));
    assertThat(config.getInt("liveshop.test.size")).isEqualTo(7);
    assertThat(config.getDuration("liveshop.test.section.timeout")).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.getBoolean("liveshop.test.enabled")).isTrue();
    assertThat(config.getValue("liveshop.test.size").origin().description()).contains("LIVESHOP_TEST_SIZE");
    assertThat(EnvVariables.load(Map.of()).getInt("liveshop.test.size")).isEqualTo(2);
  }

  @Test
  void badValue_namesKeyAndVariable_durationsSpelledAsInReferenceConf() {
    assertThat(EnvVariables.badValue("liveshop.test.size", "must be 1..9", 0))
        .hasMessage("liveshop.test.size (LIVESHOP_TEST_SIZE) must be 1..9, got 0");
    assertThat(EnvVariables.badValue("liveshop.test.section.timeout", "must be positive", Duration.ofSeconds(-1)))
        .hasMessage("liveshop.test.section.timeout (LIVESHOP_TEST_TIMEOUT) must be positive, got -1s");
    assertThat(EnvVariables.badValue("liveshop.test.hidden", "must be odd", Duration.ofMillis(1500)))
        .hasMessage("liveshop.test.hidden must be odd, got 1500ms");
  }
}
