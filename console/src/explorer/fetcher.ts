// GraphiQL's fetcher for the AppSync API: queries and mutations as HTTP POSTs carrying the
// chosen mode's headers (SigV4-signed for IAM) plus the headers pane's; subscriptions over
// AppSync's realtime protocol, returned as an async iterable so results stream into the pane.
import type { Fetcher, FetcherOpts, FetcherParams } from "@graphiql/toolkit";
import { getOperationAST, parse, type DocumentNode } from "graphql";
import { httpHeaders, type AuthState } from "./auth";
import { subscribeRealtime } from "./realtime";

export interface Endpoints {
  graphql: string;
  realtime: string;
}

function isSubscription(params: FetcherParams, document: DocumentNode | undefined): boolean {
  try {
    const ast = document ?? parse(params.query);
    return getOperationAST(ast, params.operationName ?? undefined)?.operation === "subscription";
  } catch {
    return false; // a query that does not parse goes to the server, which answers AppSync's 400
  }
}

function stringHeaders(headers: FetcherOpts["headers"]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name] = String(value);
  return result;
}

export function appSyncFetcher(endpoints: Endpoints, currentAuth: () => AuthState): Fetcher {
  return async (params, opts) => {
    const auth = currentAuth();
    if (isSubscription(params, opts?.documentAST)) {
      return subscribeRealtime({
        graphqlUrl: endpoints.graphql,
        realtimeUrl: endpoints.realtime,
        auth,
        query: params.query,
        variables: params.variables ?? undefined,
      });
    }
    const body = JSON.stringify({
      query: params.query,
      variables: params.variables ?? undefined,
      operationName: params.operationName ?? undefined,
    });
    const headers = { ...(await httpHeaders(auth, endpoints.graphql, body)), ...stringHeaders(opts?.headers) };
    const response = await fetch(endpoints.graphql, { method: "POST", headers, body });
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] };
    }
  };
}
