package io.corecache.cli;

/**
 * Names one torture write within its thread: the writer generation (one per writer process, counting from
 * 1) and the thread's sequence number in that generation (counting from 1).
 */
record WriteId(int generation, long seq) {

    @Override
    public String toString() {
        return "g" + generation + "/s" + seq;
    }
}
