package io.corecache.cluster.op;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.corecache.engine.Versioned;

/** One atomic read-modify-write of a key; see the package documentation. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
        @JsonSubTypes.Type(value = SetValue.class, name = "set"),
        @JsonSubTypes.Type(value = AddInteger.class, name = "add-integer"),
        @JsonSubTypes.Type(value = AddFloat.class, name = "add-float"),
        @JsonSubTypes.Type(value = Append.class, name = "append"),
        @JsonSubTypes.Type(value = SetRange.class, name = "set-range"),
        @JsonSubTypes.Type(value = GetAndDelete.class, name = "get-and-delete"),
        @JsonSubTypes.Type(value = GetAndExpire.class, name = "get-and-expire"),
        @JsonSubTypes.Type(value = SetExpiry.class, name = "set-expiry"),
        @JsonSubTypes.Type(value = Persist.class, name = "persist")
})
public sealed interface KeyOperation
        permits SetValue, AddInteger, AddFloat, Append, SetRange, GetAndDelete, GetAndExpire, SetExpiry, Persist {

    /**
     * What the operation does, given the key's current version (null when it is absent or expired).
     *
     * @param now           epoch millis on the replica: relative expiry times count from here
     * @param maxValueBytes the node's value limit, checked before a value is built (a SETRANGE at a huge
     *                      offset must fail, not allocate)
     * @throws OperationException when the current value or an argument does not allow it; nothing changes
     */
    Outcome apply(Versioned current, long now, int maxValueBytes);

    /**
     * True if the operation's result does not depend on the current version, so it may replace one that
     * cannot be read (a record failing its checksum): that is how a user repairs a key.
     */
    default boolean blind() {
        return false;
    }
}
