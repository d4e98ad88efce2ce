package io.corecache.api.resp;

import java.util.concurrent.CompletionStage;

/** Executes one command; may throw {@link CommandError} or complete exceptionally with it. */
@FunctionalInterface
interface CommandHandler {

    CompletionStage<RespValue> execute(Call call);
}
