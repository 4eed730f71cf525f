// The resolver log through the console API (operations.graphql): the latest requests, then
// each new one as the server finishes it.
import type { ConsoleClient } from "./client";
import type { ResolverLogRequest } from "./types";

export async function resolverLog(client: ConsoleClient, limit = 200): Promise<ResolverLogRequest[]> {
  const data = await client.request<{ resolverLog: ResolverLogRequest[] }>("ResolverLog", { limit });
  return data.resolverLog;
}

export async function* subscribeResolverLog(client: ConsoleClient): AsyncGenerator<ResolverLogRequest> {
  for await (const data of client.subscribe<{ onResolverLog: ResolverLogRequest }>("OnResolverLog")) {
    yield data.onResolverLog;
  }
}
