package io.corecache.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * What verifications found: counts for the summary line, and the first problems in words so a failure
 * can be investigated without rerunning.
 */
final class VerificationReport {

    private static final int KEPT_PROBLEMS = 20;

    private long acked;
    private long verified;
    private long lost;
    private long corrupt;
    private final List<String> problems = new ArrayList<>();

    void acked(long writes) {
        acked += writes;
    }

    void verified(long keyChecks) {
        verified += keyChecks;
    }

    void lost(String what) {
        lost++;
        keep("lost: " + what);
    }

    void corrupt(String what) {
        corrupt++;
        keep("corrupt: " + what);
    }

    void add(VerificationReport other) {
        acked += other.acked;
        verified += other.verified;
        lost += other.lost;
        corrupt += other.corrupt;
        other.problems.forEach(this::keep);
    }

    private void keep(String problem) {
        if (problems.size() < KEPT_PROBLEMS) {
            problems.add(problem);
        }
    }

    boolean passed() {
        return lost == 0 && corrupt == 0;
    }

    long acked() {
        return acked;
    }

    long verified() {
        return verified;
    }

    long lost() {
        return lost;
    }

    long corrupt() {
        return corrupt;
    }

    /** The first problems found, in the order found (at most {@value #KEPT_PROBLEMS}). */
    List<String> problems() {
        return List.copyOf(problems);
    }
}
