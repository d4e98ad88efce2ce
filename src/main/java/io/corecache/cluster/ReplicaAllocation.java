package io.corecache.cluster;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.dispatch.Futures;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;

import java.util.Map;
import java.util.Set;

/**
 * Places the shard {@code <partition>@<node-id>} on the node whose id it names, and nowhere else; never
 * rebalances. Sharding moves no state, so a replica started anywhere else would start empty: when its node
 * is not in the cluster the allocation fails, the messages stay buffered, and the router reports the
 * partition unavailable.
 *
 * <p>Nodes are recognised by their cluster role {@code node-<id>} ({@link #roleOf}).
 */
final class ReplicaAllocation extends ShardCoordinator.AbstractShardAllocationStrategy {

    private final Cluster cluster;

    ReplicaAllocation(Cluster cluster) {
        this.cluster = cluster;
    }

    /** Every CoreCache node has this role. */
    static final String CORECACHE_ROLE = "corecache";
    private static final String NODE_ROLE_PREFIX = "node-";

    static String roleOf(String nodeId) {
        return NODE_ROLE_PREFIX + nodeId;
    }

    /** The node id a member's {@code node-<id>} role names, or null if it has none. */
    static String nodeIdOf(Member member) {
        for (String role : member.getRoles()) {
            if (role.startsWith(NODE_ROLE_PREFIX)) {
                return role.substring(NODE_ROLE_PREFIX.length());
            }
        }
        return null;
    }

    @Override
    public Future<ActorRef> allocateShard(ActorRef requester, String shardId,
                                          Map<ActorRef, IndexedSeq<String>> currentShardAllocations) {
        ReplicaId replica;
        try {
            replica = ReplicaId.parse(shardId);
        } catch (IllegalArgumentException e) {
            return Futures.failed(e);
        }
        String role = roleOf(replica.nodeId());
        // Any member with the role will do, whatever its status: the role names the node, and the sharding
        // coordinator's view of a node that just joined may still say Joining while its replicas are woken.
        for (Member member : cluster.state().getMembers()) {
            if (member.hasRole(role) && member.status() != MemberStatus.down() && member.status() != MemberStatus.exiting()
                    && member.status() != MemberStatus.removed()) {
                if (addressOf(requester).equals(member.address())) {
                    return Futures.successful(requester);
                }
                for (ActorRef region : currentShardAllocations.keySet()) {
                    if (addressOf(region).equals(member.address())) {
                        return Futures.successful(region);
                    }
                }
            }
        }
        return Futures.failed(new IllegalStateException("node " + replica.nodeId() + " of replica " + shardId
                + " is not in the cluster"));
    }

    @Override
    public Future<Set<String>> rebalance(Map<ActorRef, IndexedSeq<String>> currentShardAllocations,
                                         Set<String> rebalanceInProgress) {
        return Futures.successful(Set.of());
    }

    private Address addressOf(ActorRef region) {
        Address address = region.path().address();
        return address.hasLocalScope() ? cluster.selfAddress() : address;
    }
}
