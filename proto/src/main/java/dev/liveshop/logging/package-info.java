/**
 * Logging helpers live-core and live-gateway share (they sit here, beside the shard map,
 * because it is the one module both depend on).
 */
package dev.liveshop.logging;
