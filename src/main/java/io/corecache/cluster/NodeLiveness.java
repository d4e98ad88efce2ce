package io.corecache.cluster;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which CoreCache nodes are in the cluster, in what state, and whether this node can reach them: what the
 * router checks before it sends a request to another node, so a request for a partition on an unreachable
 * node fails at once instead of waiting out its timeout. Kept up to date from cluster events by
 * {@link #tracker}; read without locks by the request path.
 */
public final class NodeLiveness {

    /** A node as this node sees it. */
    public record NodeState(String nodeId, Address address, String status, boolean reachable) {

        /** Up and reachable: its replicas can answer. (A leaving node is stopping its replicas.) */
        public boolean serving() {
            return reachable && (status.equals("Up") || status.equals("WeaklyUp"));
        }
    }

    private volatile Map<String, NodeState> nodes = Map.of();

    /** The nodes by id, in id order. */
    public Map<String, NodeState> nodes() {
        return nodes;
    }

    /** The node's state, or null when it is not a member of the cluster. */
    public NodeState node(String nodeId) {
        return nodes.get(nodeId);
    }

    /** Follows the cluster's membership and reachability events into {@code liveness}. */
    static Behavior<ClusterEvent.ClusterDomainEvent> tracker(NodeLiveness liveness) {
        return Behaviors.setup(context -> {
            Cluster cluster = Cluster.get(context.getSystem());
            cluster.subscriptions().tell(Subscribe.create(context.getSelf().narrow(), ClusterEvent.MemberEvent.class));
            cluster.subscriptions().tell(Subscribe.create(context.getSelf().narrow(), ClusterEvent.ReachabilityEvent.class));
            Map<Address, Member> members = new HashMap<>();
            Set<Address> unreachable = new HashSet<>();
            return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
                    .onMessage(ClusterEvent.MemberRemoved.class, removed -> {
                        members.remove(removed.member().address());
                        unreachable.remove(removed.member().address());
                        liveness.publish(members, unreachable);
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.MemberEvent.class, event -> {
                        members.put(event.member().address(), event.member());
                        liveness.publish(members, unreachable);
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.UnreachableMember.class, event -> {
                        unreachable.add(event.member().address());
                        liveness.publish(members, unreachable);
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.ReachableMember.class, event -> {
                        unreachable.remove(event.member().address());
                        liveness.publish(members, unreachable);
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private void publish(Map<Address, Member> members, Set<Address> unreachable) {
        Map<String, NodeState> next = new TreeMap<>();
        for (Member member : members.values()) {
            String nodeId = ReplicaAllocation.nodeIdOf(member);
            if (nodeId == null) {
                continue;
            }
            NodeState state = new NodeState(nodeId, member.address(), statusName(member.status()),
                    !unreachable.contains(member.address()));
            // A node restarted on another address is briefly a member twice: the incarnation that serves counts.
            next.merge(nodeId, state, (earlier, later) -> later.serving() ? later : earlier);
        }
        nodes = Collections.unmodifiableMap(next);
    }

    private static String statusName(MemberStatus status) {
        String name = status.toString();
        return name.endsWith("$") ? name.substring(0, name.length() - 1) : name;
    }
}
