package io.corecache.cli;

import picocli.CommandLine.Command;

/** {@code corecache cluster start|status|stop}: a local cluster of node processes on loopback ports. */
@Command(name = "cluster", description = {
        "A local CoreCache cluster: separate node processes on 127.0.0.1, each with its own data directory and",
        "log file under the cluster's directory (default ./cluster)."},
        subcommands = {ClusterStartCommand.class, ClusterStatusCommand.class, ClusterStopCommand.class})
final class ClusterCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing a command: start, status or stop.");
    }
}
