/**
 * The shard map that gateways and live-core instances share: which live-core is each
 * stream's home. It sits beside the .proto files because it is part of the contract
 * between them: both sides must compute the same home for a stream.
 */
package dev.liveshop.shard;
