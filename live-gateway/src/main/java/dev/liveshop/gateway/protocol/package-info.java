/**
 * The viewer protocol's JSON encoding and validation: text frames to ClientFrames (or typed
 * errors) and ServerFrames to text frames. Stateless; used on event-loop threads.
 */
package dev.liveshop.gateway.protocol;
