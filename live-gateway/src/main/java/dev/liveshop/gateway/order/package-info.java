/** Order placement: Buy frames to gRPC Reserve calls, answers back to the buyer's channel (gRPC threads). */
package dev.liveshop.gateway.order;
