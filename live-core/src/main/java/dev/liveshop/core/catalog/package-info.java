/**
 * The catalogue: streams, their lineups, the pinned product and the launch of flash sales,
 * with the validation of every host request. Called on gRPC executor threads; holds no
 * mutable state of its own.
 */
package dev.liveshop.core.catalog;
