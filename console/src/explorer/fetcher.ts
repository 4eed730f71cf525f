// GraphiQL's fetchers. The AppSync API's: queries and mutations as HTTP POSTs carrying the
// chosen mode's headers (SigV4-signed for IAM) plus the headers pane's; subscriptions over
// AppSync's realtime protocol, returned as an async iterable so results stream into the pane.
// The console API's: POSTs with the console token, subscriptions over graphql-transport-ws.
import type { Fetcher, FetcherOpts, FetcherParams } from "@graphiql/toolkit";
import { getOperationAST, parse } from "graphql";
import { createClient } from "graphql-ws";
import { httpHeaders, type AuthState } from "./auth";
import { subscribeRealtime } from "./realtime";

export interface Endpoints {
  graphql: string;
  realtime: string;
}

function isSubscription(params: FetcherParams): boolean {
  // The text sent decides, not GraphiQL's documentAST, which can lag behind fast typing.
  try {
    return getOperationAST(parse(params.query), params.operationName ?? undefined)?.operation === "subscription";
  } catch {
    return false; // a query that does not parse goes to the server, which answers its 400
  }
}

function stringHeaders(headers: FetcherOpts["headers"]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name] = String(value);
  return result;
}

// A response body as the server sent it (JSON.parse's `any`, as GraphiQL takes results).
async function postJson(url: string, headers: Record<string, string>, body: string): Promise<any> {
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] };
  }
}

function requestBody(params: FetcherParams): string {
  return JSON.stringify({
    query: params.query,
    variables: params.variables ?? undefined,
    operationName: params.operationName ?? undefined,
  });
}

/** The console's own API at `url`, with the console token. */
export function consoleFetcher(url: string, token: string): Fetcher {
  const authorization = `Bearer ${token}`;
  const sockets = createClient({ url: url.replace(/^http/, "ws"), lazy: true, connectionParams: { authorization } });
  return async (params, opts) => {
    if (isSubscription(params)) {
      return sockets.iterate({
        query: params.query,
        variables: params.variables ?? undefined,
        operationName: params.operationName ?? undefined,
      });
    }
    const headers = { "content-type": "application/json", authorization, ...stringHeaders(opts?.headers) };
    return postJson(url, headers, requestBody(params));
  };
}

export function appSyncFetcher(endpoints: Endpoints, currentAuth: () => AuthState): Fetcher {
  return async (params, opts) => {
    const auth = currentAuth();
    if (isSubscription(params)) {
      return subscribeRealtime({
        graphqlUrl: endpoints.graphql,
        realtimeUrl: endpoints.realtime,
        auth,
        query: params.query,
        variables: params.variables ?? undefined,
      });
    }
    const body = requestBody(params);
    const headers = { ...(await httpHeaders(auth, endpoints.graphql, body)), ...stringHeaders(opts?.headers) };
    return postJson(endpoints.graphql, headers, body);
  };
}
