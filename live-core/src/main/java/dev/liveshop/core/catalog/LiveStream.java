package dev.liveshop.core.catalog;

/** A live broadcast. {@code pinnedProductId} is empty when nothing is pinned. */
public record LiveStream(
    String streamId, String title, String hostId, String pinnedProductId, String hlsUrl, long createdAtMs) {

  public LiveStream withPinned(String productId) {
    return new LiveStream(streamId, title, hostId, productId, hlsUrl, createdAtMs);
  }
}
