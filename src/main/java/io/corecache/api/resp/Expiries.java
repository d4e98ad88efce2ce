package io.corecache.api.resp;

import io.corecache.cluster.op.Expiry;

/** The expiry options of SET, GETEX and the EXPIRE family, read as Redis reads them. */
final class Expiries {

    private Expiries() {
    }

    static boolean isOption(String option) {
        return option.equals("EX") || option.equals("PX") || option.equals("EXAT") || option.equals("PXAT");
    }

    /**
     * EX seconds, PX millis, EXAT epoch seconds or PXAT epoch millis; not positive, or past what epoch millis
     * can hold, is "invalid expire time in '{command}' command".
     */
    static Expiry parse(String option, long amount, String command) {
        boolean seconds = option.equals("EX") || option.equals("EXAT");
        if (amount <= 0 || (seconds && amount > Long.MAX_VALUE / 1000)) {
            throw CommandError.err("invalid expire time in '" + command + "' command");
        }
        long millis = seconds ? amount * 1000 : amount;
        return option.endsWith("AT") ? Expiry.at(millis) : Expiry.after(millis);
    }
}
