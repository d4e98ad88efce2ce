/**
 * Read-modify-write operations on one key (Redis's SET options, INCR, APPEND, SETRANGE, EXPIRE, ...), as
 * plain values: the partition replica, the key's only writer, applies one to the key's current version
 * and writes what it decides, so each is atomic without locks wherever the command came from.
 *
 * <p>An operation is a pure function of the current version and the time; it never touches the engine,
 * which keeps the string semantics testable without a node. Operations cross nodes inside
 * {@link io.corecache.cluster.ReplicaProtocol.Apply}, so they are records Jackson can serialize.
 */
package io.corecache.cluster.op;
