// The resolver log through the console API (operations.graphql): the latest requests, then
// each new one as the server finishes it, in one subscription.
import type { ConsoleClient } from "./client";
import type { ResolverLogRequest } from "./types";

/** The `latest` requests already logged (oldest first), then each new one as it ends: the
 * server reads the two in one step, so none served in between is missed. */
export async function* subscribeResolverLog(client: ConsoleClient, latest = 200): AsyncGenerator<ResolverLogRequest> {
  for await (const data of client.subscribe<{ onResolverLog: ResolverLogRequest }>("OnResolverLog", { latest })) {
    yield data.onResolverLog;
  }
}
