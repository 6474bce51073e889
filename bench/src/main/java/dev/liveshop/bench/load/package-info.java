/**
 * The load generator: {@link dev.liveshop.bench.load.LoadGenerator} (its command line) has a
 * {@link dev.liveshop.bench.load.LoadRun} play N viewers over real WebSockets against a
 * running gateway and report what they saw, then check every flash sale of the run
 * ({@link dev.liveshop.bench.load.Invariants}, a pure function of a
 * {@link dev.liveshop.bench.load.SaleEvidence}) against the orders the store holds, read back
 * through the gateway's HTTP API. Threads: a few Netty event loops carry the viewers (each
 * viewer's state is touched only on its loop), a clock thread schedules chat and prints
 * progress, and the main thread sets up sales, waits, reads the store and writes the report.
 */
package dev.liveshop.bench.load;
