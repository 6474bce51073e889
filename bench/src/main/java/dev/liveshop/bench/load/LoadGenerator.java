package dev.liveshop.bench.load;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Plays N viewers against a running gateway over real WebSockets and reports what they
 * saw. Scenarios: {@code chat-storm} (the room chats at a rate; every delivery is timed),
 * {@code flash-sale} (a sale with a countdown; every viewer taps buy at zero plus a human
 * reaction time; invariants checked at the end), {@code idle-connections} (hold N sockets)
 * and {@code mixed} (a flash sale during a chat storm). Measuring starts after a warm-up
 * (rehearsal sales, warm-up chat). Every sale, rehearsals included, is checked against
 * {@link Invariants} with the orders the store holds; exits 1 when an invariant broke.
 *
 * <p>This class is the command line: its options, read by the other classes of a run
 * ({@link LoadRun} plays it, {@link FlashSales} its sales, {@link LoadReport} the result).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.liveshop.bench.load.LoadGenerator \
 *     --scenario flash-sale --viewers 2000 --quantity 500
 * </pre>
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Plays N viewers against a running LiveShop gateway (development mode, for tokens).")
public final class LoadGenerator implements Callable<Integer> {

  private static final List<String> SCENARIOS = List.of("chat-storm", "flash-sale", "idle-connections", "mixed");

  @Option(names = "--gateway", split = ",", description = "The gateway's HTTP base URL, or several "
      + "comma-separated (viewers are spread over them in turn; the host API uses the first) "
      + "(default ${DEFAULT-VALUE}).")
  List<String> gateways = List.of("http://127.0.0.1:8080");

  @Option(names = "--target", description = "liveshop, or ws-peer (the Node ws broadcast peer: chat only, "
      + "no API). Default ${DEFAULT-VALUE}.")
  String target = "liveshop";

  @Option(names = "--scenario", description = "chat-storm, flash-sale, idle-connections or mixed "
      + "(default ${DEFAULT-VALUE}).")
  String scenario = "flash-sale";

  @Option(names = "--viewers", description = "WebSocket connections (default ${DEFAULT-VALUE}).")
  int viewers = 1000;

  @Option(names = "--seconds", description = "How long the chat storm or idle hold lasts; the most a flash "
      + "sale waits for its answers (default ${DEFAULT-VALUE}).")
  int seconds = 20;

  @Option(names = "--chat-rate", description = "Chat messages per second from the whole room (default "
      + "${DEFAULT-VALUE}).")
  int chatRate = 100;

  @Option(names = "--quantity", description = "Units of the flash sale (default ${DEFAULT-VALUE}).")
  int quantity = 500;

  @Option(names = "--per-viewer-limit", description = "Units one viewer may buy (default ${DEFAULT-VALUE}).")
  int perViewerLimit = 1;

  @Option(names = "--taps", description = "Taps on buy per viewer, each a new purchase intent "
      + "(default ${DEFAULT-VALUE}).")
  int taps = 1;

  @Option(names = "--countdown-ms", description = "Countdown before the sale opens (default ${DEFAULT-VALUE}).")
  long countdownMs = 3000;

  @Option(names = "--reaction-ms", description = "Median human reaction after zero; log-normal (default "
      + "${DEFAULT-VALUE}).")
  double reactionMs = 250;

  @Option(names = "--stream", description = "Stream to use (created if missing; default a new one per run).")
  String stream = "load-" + Long.toString(System.currentTimeMillis(), 36);

  @Option(names = "--connect-parallel", description = "Handshakes in flight at once (default ${DEFAULT-VALUE}).")
  int connectParallel = 200;

  @Option(names = "--client-threads", description = "Event loops of the load generator (default "
      + "${DEFAULT-VALUE}).")
  int clientThreads = 2;

  @Option(names = "--warmup-seconds", description = "Unmeasured chat before the measured chat storm, so that "
      + "every process on the box (this one too) has compiled the chat path when measuring starts (default "
      + "${DEFAULT-VALUE}; 0: none).")
  int warmupSeconds = 5;

  @Option(names = "--rehearsals", description = "Unmeasured flash sales of the same shape before the measured one, "
      + "so that every process has compiled the tap path when the measured sale opens (default ${DEFAULT-VALUE}; "
      + "0: none).")
  int rehearsals = 1;

  @Option(names = "--answer-grace-seconds", description = "How long taps still unanswered when a sale's --seconds "
      + "are up may take to be answered before each counts as a broken invariant (default ${DEFAULT-VALUE}).")
  int answerGraceSeconds = 10;

  @Option(names = "--out", description = "Folder for report.txt, report.json and report.html "
      + "(default bench/results/load/<date>-<target>-<scenario>).")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGenerator()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!SCENARIOS.contains(scenario)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--scenario must be one of " + SCENARIOS);
    }
    if (peer() && sale()) {
      throw new CommandLine.ParameterException(new CommandLine(this), "the ws peer has no sales: use chat-storm "
          + "or idle-connections with --target ws-peer");
    }
    return new LoadRun(this).call();
  }

  /** Whether the target is the Node ws peer: chat only, no API, no tokens. */
  boolean peer() {
    return target.equals("ws-peer");
  }

  /** Whether the scenario runs a flash sale. */
  boolean sale() {
    return scenario.equals("flash-sale") || scenario.equals("mixed");
  }

  /** Whether the scenario chats. */
  boolean chat() {
    return scenario.equals("chat-storm") || scenario.equals("mixed");
  }
}
