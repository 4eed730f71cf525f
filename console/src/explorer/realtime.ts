// A subscription over AppSync's realtime protocol, as an async iterable of GraphQL results (what
// GraphiQL's fetcher returns for a subscription). One socket per subscription, opened with the
// mode's header object in the `header-<base64url>` subprotocol entry beside `graphql-ws`;
// frames as AppSync sends them (shared reference appsync.md §3.3): connection_init ->
// connection_ack, start -> start_ack, data..., ka, stop -> complete; connection_error and
// error end the stream with their errors shown.
import { base64UrlJson, realtimeConnectHeaders, realtimeStartAuthorization, type AuthState } from "./auth";

export interface RealtimeResult {
  data?: unknown;
  errors?: unknown[];
  extensions?: Record<string, unknown>;
}

interface ServerFrame {
  type: string;
  id?: string;
  payload?: { data?: unknown; errors?: unknown; connectionTimeoutMs?: number };
}

export interface SubscriptionRequest {
  graphqlUrl: string;
  realtimeUrl: string;
  auth: AuthState;
  query: string;
  variables: Record<string, unknown> | undefined;
}

/** `errors` is sometimes an object rather than a list in AppSync's frames (MaxSubscriptions...). */
function errorList(errors: unknown): unknown[] {
  if (Array.isArray(errors)) return errors;
  return errors == null ? [] : [errors];
}

class Queue<T> {
  private items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private ended = false;

  push(item: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ done: false, value: item });
    } else {
      this.items.push(item);
    }
  }

  end(): void {
    this.ended = true;
    if (this.waiting && this.items.length === 0) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ done: true, value: undefined });
    }
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ done: false, value: item });
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => (this.waiting = resolve));
  }
}

export function subscribeRealtime(request: SubscriptionRequest): AsyncIterableIterator<RealtimeResult> {
  const queue = new Queue<RealtimeResult>();
  const id = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
  let socket: WebSocket | null = null;
  let started = false;
  let finished = false;

  const finish = (result?: RealtimeResult) => {
    if (result) queue.push(result);
    finished = true;
    queue.end();
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
  };

  const open = async () => {
    const header = await realtimeConnectHeaders(request.auth, request.graphqlUrl);
    if (finished) return;
    socket = new WebSocket(request.realtimeUrl, ["graphql-ws", `header-${base64UrlJson(header)}`]);
    socket.onopen = () => socket?.send(JSON.stringify({ type: "connection_init" }));
    socket.onmessage = (event) => void onFrame(JSON.parse(String(event.data)) as ServerFrame);
    socket.onerror = () => undefined; // onclose follows and reports
    socket.onclose = (event) => {
      if (!finished) {
        finish({ errors: [{ message: `the realtime socket closed (code ${event.code}${event.reason ? `: ${event.reason}` : ""})` }] });
      }
    };
  };

  const onFrame = async (frame: ServerFrame) => {
    switch (frame.type) {
      case "connection_ack": {
        const data = JSON.stringify({ query: request.query, variables: request.variables ?? {} });
        const authorization = await realtimeStartAuthorization(request.auth, request.graphqlUrl, data);
        socket?.send(JSON.stringify({ id, type: "start", payload: { data, extensions: { authorization } } }));
        return;
      }
      case "start_ack":
        started = true;
        queue.push({ extensions: { realtime: { type: "start_ack", id, note: "subscribed; results appear as mutations publish" } } });
        return;
      case "data":
        if (frame.id === id) queue.push(frame.payload as RealtimeResult);
        return;
      case "ka":
        return;
      case "complete":
        if (frame.id === id) finish();
        return;
      case "connection_error":
        finish({ errors: errorList(frame.payload?.errors), extensions: { realtime: { type: "connection_error" } } });
        return;
      case "error":
        if (frame.id === undefined || frame.id === id) {
          finish({ errors: errorList(frame.payload?.errors), extensions: { realtime: { type: "error" } } });
        }
        return;
      default:
        return;
    }
  };

  open().catch((error: unknown) => finish({ errors: [{ message: `could not subscribe: ${String(error)}` }] }));

  const iterator: AsyncIterableIterator<RealtimeResult> = {
    next: () => queue.next(),
    async return() {
      if (!finished && started && socket?.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ id, type: "stop" }));
      }
      finish();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
