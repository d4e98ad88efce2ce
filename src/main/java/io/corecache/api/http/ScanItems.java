package io.corecache.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corecache.cluster.ReplicaProtocol.StoredEntry;

/**
 * One scanned entry as JSON: {@code {"key","value","revision"}}, with key and value as UTF-8 text, or both
 * in base64 with {@code "encoding":"base64"} when the caller asked for base64 or either is not valid UTF-8
 * (so binary data is never mangled and a client can always tell which it got).
 */
final class ScanItems {

    private ScanItems() {
    }

    static ObjectNode item(StoredEntry entry, boolean base64) {
        ObjectNode item = Json.MAPPER.createObjectNode();
        byte[] value = entry.version().value();
        String key = base64 ? null : KeyCodec.utf8OrNull(entry.key());
        String text = base64 || value == null ? null : KeyCodec.utf8OrNull(value);
        boolean asBase64 = base64 || key == null || (value != null && text == null);
        item.put("key", asBase64 ? KeyCodec.base64(entry.key()) : key);
        if (value != null) {
            item.put("value", asBase64 ? KeyCodec.base64(value) : text);
        }
        item.put("revision", entry.version().revision());
        if (entry.version().expiresAt() != 0) {
            item.put("expires_at", java.time.Instant.ofEpochMilli(entry.version().expiresAt()).toString());
        }
        if (asBase64) {
            item.put("encoding", "base64");
        }
        return item;
    }
}
