// The transport to the console's own GraphQL API: queries and mutations over HTTP POST,
// subscriptions over `graphql-transport-ws` (graphql-ws's protocol, which Strawberry serves),
// each carrying the console token (`Authorization: Bearer ...`; the socket's connection_init
// payload `{authorization}`). Operations are only those of operations.graphql, looked up by name.
import { createClient, type Client } from "graphql-ws";
import operations from "./operations.graphql";

/** The errorType of a ConsoleApiError raised when the server has no console API. */
export const UNAVAILABLE = "ConsoleApiUnavailable";
/** The errorType of the console API's refusal of a request without its token. */
export const UNAUTHORIZED = "UnauthorizedException";

export class ConsoleApiError extends Error {
  constructor(
    message: string,
    readonly errorType: string | null,
  ) {
    super(message);
    this.name = "ConsoleApiError";
  }
}

interface GraphQLError {
  message: string;
  extensions?: { errorType?: string };
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLError[];
}

function document(operationName: string): string {
  const text = operations[operationName];
  if (text === undefined) throw new Error(`operations.graphql has no operation ${operationName}`);
  return text;
}

function unwrap<T>(result: GraphQLResponse<T>): T {
  if (result.errors && result.errors.length > 0) {
    const first = result.errors[0];
    throw new ConsoleApiError(first.message, first.extensions?.errorType ?? null);
  }
  if (result.data == null) throw new ConsoleApiError("the console API returned no data", null);
  return result.data;
}

export interface ConsoleClient {
  request<T>(operationName: string, variables?: Record<string, unknown>): Promise<T>;
  /** `onLive(true)` once the socket the subscription rides is acknowledged (connection_ack),
   * `onLive(false)` when it closes (graphql-ws may open it again, then `true` again). */
  subscribe<T>(
    operationName: string,
    variables?: Record<string, unknown>,
    onLive?: (live: boolean) => void,
  ): AsyncIterableIterator<T>;
  close(): void;
}

/** A client of the console API at `url` (http(s)) with the console `token`; the websocket uses
 * the same path. */
export function consoleClient(url: string, token: string): ConsoleClient {
  const authorization = `Bearer ${token}`;
  let ws: Client | null = null;
  // Whether the socket is acknowledged now, and who wants to hear when that changes.
  let acknowledged = false;
  const listeners = new Set<(live: boolean) => void>();
  const tell = (live: boolean) => {
    acknowledged = live;
    for (const listener of listeners) listener(live);
  };
  const wsClient = (): Client => {
    ws ??= createClient({
      url: url.replace(/^http/, "ws"),
      lazy: true,
      retryAttempts: 3,
      connectionParams: { authorization },
      // A socket closed for a wrong token (4403) is not tried again.
      shouldRetry: (event) => !(event instanceof CloseEvent && event.code === 4403),
      on: { connected: () => tell(true), closed: () => tell(false) },
    });
    return ws;
  };
  return {
    async request<T>(operationName: string, variables: Record<string, unknown> = {}): Promise<T> {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", authorization },
        body: JSON.stringify({ query: document(operationName), operationName, variables }),
      });
      if (response.status === 404 || response.status === 405) {
        throw new ConsoleApiError(
          `this server does not serve the console API (POST ${new URL(url).pathname} answered HTTP ${response.status}); ` +
            "the GraphQL explorer works without it",
          UNAVAILABLE,
        );
      }
      let body: GraphQLResponse<T>;
      try {
        body = (await response.json()) as GraphQLResponse<T>;
      } catch {
        throw new ConsoleApiError(`console API: HTTP ${response.status}`, null);
      }
      return unwrap(body);
    },
    subscribe<T>(
      operationName: string,
      variables: Record<string, unknown> = {},
      onLive?: (live: boolean) => void,
    ): AsyncIterableIterator<T> {
      const source = wsClient().iterate<T>({ query: document(operationName), operationName, variables });
      if (onLive) {
        listeners.add(onLive);
        // A socket acknowledged before: this subscription rides it from now.
        if (acknowledged) queueMicrotask(() => onLive(true));
      }
      const iterator: AsyncIterableIterator<T> = {
        async next(): Promise<IteratorResult<T>> {
          const step = await source.next();
          if (step.done) return { done: true, value: undefined };
          return { done: false, value: unwrap(step.value as GraphQLResponse<T>) };
        },
        async return(): Promise<IteratorResult<T>> {
          if (onLive) listeners.delete(onLive);
          await source.return?.();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    close() {
      void ws?.dispose();
      ws = null;
      acknowledged = false;
    },
  };
}
