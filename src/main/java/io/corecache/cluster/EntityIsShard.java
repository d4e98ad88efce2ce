package io.corecache.cluster;

import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * Each replica is alone in its shard, named like it ({@code <partition>@<node-id>}), so the allocation
 * strategy decides where each replica lives, one by one.
 */
final class EntityIsShard extends ShardingMessageExtractor<ShardingEnvelope<ReplicaProtocol.Command>,
        ReplicaProtocol.Command> {

    @Override
    public String entityId(ShardingEnvelope<ReplicaProtocol.Command> envelope) {
        return envelope.entityId();
    }

    @Override
    public String shardId(String entityId) {
        return entityId;
    }

    @Override
    public ReplicaProtocol.Command unwrapMessage(ShardingEnvelope<ReplicaProtocol.Command> envelope) {
        return envelope.message();
    }
}
