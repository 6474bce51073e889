package dev.liveshop.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * A section of the configuration whose getters report a value of the wrong form as an
 * {@link IllegalArgumentException} that names the key, the environment variable that sets
 * it, the value given and the form expected:
 * {@code liveshop.core.inventory.shards (LIVESHOP_INVENTORY_SHARDS) must be a whole number, got 'abc'}
 * instead of Typesafe Config's {@code env variables: shards has type STRING rather than NUMBER}.
 * Sub-sections ({@code getConfig}) are checked the same way; everything else is the plain
 * {@link Config}, so settings classes bind with the usual {@code c.getInt("key")}.
 *
 * <p>Immutable and thread-safe, like the {@link Config} it wraps.
 */
public final class CheckedConfig implements InvocationHandler {

  private final Config section;
  private final String path;
  private final EnvVariables variables;

  private CheckedConfig(Config section, String path, EnvVariables variables) {
    this.section = section;
    this.path = path;
    this.variables = variables;
  }

  /** The section of {@code root} at {@code path} (e.g. {@code liveshop.gateway}), checked. */
  public static Config section(Config root, String path) {
    return section(root, path, EnvVariables.onClassPath());
  }

  static Config section(Config root, String path, EnvVariables variables) {
    return view(root.getConfig(path), path, variables);
  }

  private static Config view(Config section, String path, EnvVariables variables) {
    return (Config) Proxy.newProxyInstance(Config.class.getClassLoader(), new Class<?>[] {Config.class},
        new CheckedConfig(section, path, variables));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    Object result;
    try {
      result = method.invoke(section, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if ((cause instanceof ConfigException.WrongType || cause instanceof ConfigException.BadValue
          || cause instanceof ConfigException.Null) && args != null && args.length > 0
          && args[0] instanceof String key) {
        throw wrongValue(key, method.getName(), cause);
      }
      throw cause;
    }
    if (result instanceof Config sub && method.getName().equals("getConfig")) {
      return view(sub, path + "." + args[0], variables);
    }
    return result;
  }

  private IllegalArgumentException wrongValue(String key, String getter, Throwable cause) {
    String expected = switch (getter) {
      case "getInt", "getLong" -> "a whole number";
      case "getDouble", "getNumber" -> "a number";
      case "getBoolean" -> "true or false";
      case "getDuration" -> "a duration such as 500ms, 10s, 5m or 3h";
      case "getBytes", "getMemorySize" -> "a size such as 65536, 64KiB or 8MiB";
      case "getString" -> "a string";
      case "getStringList" -> "a list of strings";
      default -> "valid (" + cause.getMessage() + ")";
    };
    return new IllegalArgumentException(variables.name(path + "." + key) + " must be " + expected + ", got "
        + given(key), cause);
  }

  private String given(String key) {
    try {
      ConfigValue value = section.getValue(key);
      return "'" + value.unwrapped() + "'";
    } catch (ConfigException e) {
      return "nothing";
    }
  }
}
