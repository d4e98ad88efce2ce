package io.corecache.engine;

import java.util.List;

/**
 * What one step of an expiry sweep found: the keys whose current version has expired, and where the next
 * step resumes ({@code resumeAt} null: the sweep reached the last key and starts again from the first).
 */
public record ExpiredKeys(List<byte[]> keys, byte[] resumeAt) {
}
