package dev.liveshop.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckedConfigTest {

  private static Config section(Map<String, String> env) {
    return CheckedConfig.section(EnvVariables.load(env), "liveshop.test");
  }

  @Test
  void getters_wrongType_nameKeyVariableValueAndExpectedForm() {
    assertThatThrownBy(() -> section(Map.of("LIVESHOP_TEST_SIZE", "abc")).getInt("size"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("liveshop.test.size (LIVESHOP_TEST_SIZE) must be a whole number, got 'abc'");
    assertThatThrownBy(() -> section(Map.of("LIVESHOP_TEST_ENABLED", "0")).getBoolean("enabled"))
        .hasMessage("liveshop.test.enabled (LIVESHOP_TEST_ENABLED) must be true or false, got '0'");
  }

  @Test
  void subSections_areCheckedWithTheirFullKey() {
    Config section = section(Map.of("LIVESHOP_TEST_TIMEOUT", "soon")).getConfig("section");
    assertThatThrownBy(() -> section.getDuration("timeout"))
        .hasMessageStartingWith("liveshop.test.section.timeout (LIVESHOP_TEST_TIMEOUT) must be a duration")
        .hasMessageEndingWith("got 'soon'");
  }

  @Test
  void goodValues_andOtherMethods_areThePlainConfigs() {
    Config section = section(Map.of("LIVESHOP_TEST_SIZE", "5"));
    assertThat(section.getInt("size")).isEqualTo(5);
    assertThat(section.hasPath("hidden")).isTrue();
    assertThat(section.getConfig("section").hasPath("timeout")).isTrue();
  }
}
