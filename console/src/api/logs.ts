// The resolver log through the console API (operations.graphql): the latest requests, then
// each new one as the server finishes it, in one subscription.
import type { ConsoleClient } from "./client";
import type { ResolverLogRequest } from "./types";

/** The `latest` requests already logged (oldest first), then each new one as it ends: the
 * server reads the two in one step, so none served in between is missed. `onLive`: whether the
 * socket is acknowledged (ConsoleClient.subscribe). */
export async function* subscribeResolverLog(
  client: ConsoleClient,
  latest = 200,
  onLive?: (live: boolean) => void,
): AsyncGenerator<ResolverLogRequest> {
  const stream = client.subscribe<{ onResolverLog: ResolverLogRequest }>("OnResolverLog", { latest }, onLive);
  for await (const data of stream) {
    yield data.onResolverLog;
  }
}
