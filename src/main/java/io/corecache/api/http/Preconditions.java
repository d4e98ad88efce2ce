package io.corecache.api.http;

import io.corecache.cluster.ReplicaProtocol.Precondition;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

import java.util.List;
import java.util.Optional;

/**
 * The conditional headers of {@code /v1/kv/{key}} writes, as a {@link Precondition} the replica checks
 * atomically with the write. Revisions are the ETags, always strong: {@code If-Match: "<rev>"} or {@code *},
 * and for PUT {@code If-None-Match: *} (create only). A header the API cannot honour is a 400, never ignored:
 * a client that sends a condition relies on it, and a write that skipped it could lose someone's update.
 */
final class Preconditions {

    /**
     * Never the revision of a stored version (they start at 1): what a weak {@code W/"n"} tag becomes, since
     * If-Match compares strongly (RFC 9110 13.1.1) and a weak tag therefore never matches.
     */
    private static final long NO_REVISION = -1;

    private Preconditions() {
    }

    /** For PUT: If-None-Match: * (absent), If-Match (present / that revision), or none. */
    static Precondition forPut(HttpRequest request) {
        Optional<String> noneMatch = single(request, "If-None-Match");
        Optional<Precondition> match = ifMatch(request);
        if (noneMatch.isPresent()) {
            if (!noneMatch.get().equals("*")) {
                throw ApiError.badRequest("bad_header", "If-None-Match on PUT supports only *, got '"
                        + noneMatch.get() + "'");
            }
            if (match.isPresent()) {
                throw ApiError.badRequest("bad_header", "If-Match and If-None-Match cannot be combined");
            }
            return Precondition.ABSENT;
        }
        return match.orElse(Precondition.NONE);
    }

    /** For DELETE: If-Match, or none; If-None-Match has no meaning there and is refused. */
    static Precondition forDelete(HttpRequest request) {
        if (single(request, "If-None-Match").isPresent()) {
            throw ApiError.badRequest("bad_header", "DELETE supports If-Match, not If-None-Match");
        }
        return ifMatch(request).orElse(Precondition.NONE);
    }

    /** {@code If-Match: "<revision>"}, {@code W/"<revision>"} (never matches) or {@code *}. */
    private static Optional<Precondition> ifMatch(HttpRequest request) {
        return single(request, "If-Match").map(value -> {
            if (value.equals("*")) {
                return Precondition.PRESENT;
            }
            boolean weak = value.startsWith("W/");
            String tag = weak ? value.substring(2) : value;
            if (tag.length() >= 3 && tag.startsWith("\"") && tag.endsWith("\"")) {
                String digits = tag.substring(1, tag.length() - 1);
                if (digits.chars().allMatch(c -> c >= '0' && c <= '9') && digits.length() <= 18) {
                    return Precondition.revision(weak ? NO_REVISION : Long.parseLong(digits));
                }
            }
            throw ApiError.badRequest("bad_header", "If-Match must be * or one revision ETag like \"42\", got '"
                    + value + "'");
        });
    }

    /** The header's value, trimmed; two headers of the same name are a 400 rather than one silently ignored. */
    private static Optional<String> single(HttpRequest request, String name) {
        List<String> values = new java.util.ArrayList<>(1);
        for (HttpHeader header : request.getHeaders()) {
            if (header.is(name.toLowerCase(java.util.Locale.ROOT))) {
                values.add(header.value().trim());
            }
        }
        if (values.size() > 1) {
            throw ApiError.badRequest("bad_header", "send one " + name + " header, not " + values.size());
        }
        return values.stream().findFirst();
    }
}
