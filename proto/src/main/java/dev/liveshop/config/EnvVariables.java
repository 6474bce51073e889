package dev.liveshop.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigResolver;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Which environment variable sets which key under {@code liveshop}, read from the
 * {@code key = ${?LIVESHOP_...}} lines of the reference.conf files: the variable's name is
 * written once, beside its key and default, and every error message about a setting asks
 * here for it ({@link #describe}). Also loads the configuration from a given environment
 * ({@link #load(Map)}), so a test sets variables the way a deployment does.
 *
 * <p>Immutable and thread-safe.
 */
public final class EnvVariables {

  /** Stands in for a variable's value while reading reference.conf; no real value contains it. */
  private static final String MARKER = "\u0000env:";

  private final Map<String, String> byKey;

  private EnvVariables(Map<String, String> byKey) {
    this.byKey = byKey;
  }

  /** The variables of every reference.conf on the class path, read once. */
  public static EnvVariables onClassPath() {
    return ClassPath.VARIABLES;
  }

  /**
   * The variables of {@code unresolved} (reference.conf as parsed, before its substitutions
   * are resolved): a key whose last definition is {@code ${?NAME}} is set by {@code NAME}.
   */
  public static EnvVariables of(Config unresolved) {
    Config marked = unresolved.resolve(ConfigResolveOptions.noSystem().setAllowUnresolved(true)
        .appendResolver(new Resolver(name -> name.startsWith("LIVESHOP_") ? MARKER + name : null, "marker", null)));
    Map<String, String> byKey = new TreeMap<>();
    if (marked.hasPath("liveshop")) {
      marked.getConfig("liveshop").entrySet().forEach(e -> {
        Object value = e.getValue().unwrapped();
        if (value instanceof String s && s.startsWith(MARKER)) {
          byKey.put("liveshop." + e.getKey(), s.substring(MARKER.length()));
        }
      });
    }
    return new EnvVariables(Map.copyOf(byKey));
  }

  /** The variable that sets {@code key} (full path, e.g. {@code liveshop.core.inventory.shards}). */
  public Optional<String> variable(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** Every key that a variable sets, with the variable, sorted by key. */
  public Map<String, String> byKey() {
    return new TreeMap<>(byKey);
  }

  /** {@code key (VARIABLE)}, or the key alone when no variable sets it: how errors name a setting. */
  public String name(String key) {
    String variable = byKey.get(key);
    return variable == null ? key : key + " (" + variable + ")";
  }

  /** {@link #name} for the reference.conf files on the class path. */
  public static String describe(String key) {
    return onClassPath().name(key);
  }

  /**
   * A bad setting, for settings classes to throw:
   * {@code "liveshop.core.inventory.shards (LIVESHOP_INVENTORY_SHARDS) must be 1..64, got 0"}.
   *
   * @param rule what the value must be, e.g. {@code "must be 1..64"}
   */
  public static IllegalArgumentException badValue(String key, String rule, Object given) {
    return new IllegalArgumentException(describe(key) + " " + rule + ", got "
        + (given instanceof Duration d ? hocon(d) : given));
  }

  /** A duration as reference.conf spells it ({@code 10s}, {@code -1s}, {@code 250ms}), not {@code PT10S}. */
  private static String hocon(Duration d) {
    long nanos = d.toNanos();
    long[] sizes = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1L};
    String[] units = {"h", "m", "s", "ms", "ns"};
    int i = nanos == 0 ? 2 : 0;
    while (nanos % sizes[i] != 0) {
      i++;
    }
    return nanos / sizes[i] + units[i];
  }

  /**
   * The configuration {@code ConfigFactory.load()} gives (reference.conf, application.conf,
   * system properties), with {@code env} in place of the process's environment. A value from
   * a variable has that variable as its origin.
   */
  public static Config load(Map<String, String> env) {
    ClassLoader loader = loader();
    return ConfigFactory.load(loader, ConfigFactory.defaultApplication(loader),
        ConfigResolveOptions.noSystem().appendResolver(new Resolver(env::get, "environment variable", null)));
  }

  private static ClassLoader loader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : EnvVariables.class.getClassLoader();
  }

  /** Supplies {@code ${?NAME}} from {@code values} (null: unset), each value's origin naming it. */
  private record Resolver(Function<String, String> values, String origin, ConfigResolver fallback)
      implements ConfigResolver {

    @Override
    public ConfigValue lookup(String name) {
      String value = values.apply(name);
      if (value != null) {
        return ConfigValueFactory.fromAnyRef(value, origin + " " + name);
      }
      return fallback == null ? null : fallback.lookup(name);
    }

    @Override
    public ConfigResolver withFallback(ConfigResolver next) {
      return new Resolver(values, origin, fallback == null ? next : fallback.withFallback(next));
    }
  }

  private static final class ClassPath {
    static final EnvVariables VARIABLES = of(ConfigFactory.parseResources(loader(), "reference.conf"));
  }
}
