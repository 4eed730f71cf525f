// The resolver log page: the latest requests, then each new one streamed as the server
// finishes it, both from one subscription (api/logs.ts), so none falls between them.
import { useEffect, useState } from "react";
import type { ConsoleClient } from "../api/client";
import { subscribeResolverLog } from "../api/logs";
import type { ResolverLogRequest } from "../api/types";
import { ErrorPanel } from "../shell/Status";
import { ResolverLogView } from "./ResolverLogView";

const KEEP = 500;

export function LogsPage({ client }: { client: ConsoleClient }) {
  const [requests, setRequests] = useState<ResolverLogRequest[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const [live, setLive] = useState(false);
  useEffect(() => {
    let open = true;
    // "live" once the server has acknowledged the socket, not before (nor while it is away).
    const stream = subscribeResolverLog(client, KEEP, (live) => {
      if (open) setLive(live);
    });
    void (async () => {
      try {
        for await (const request of stream) {
          if (!open) break;
          setRequests((current) => [request, ...current.filter((r) => r.requestId !== request.requestId)].slice(0, KEEP));
        }
      } catch (streamError: unknown) {
        // The list stays; only live updates stop.
        if (open) setError(streamError instanceof Error ? streamError : new Error(String(streamError)));
      } finally {
        if (open) setLive(false);
      }
    })();
    return () => {
      open = false;
      void stream.return(undefined);
    };
  }, [client]);
  return (
    <section aria-labelledby="logs-heading">
      <h2 id="logs-heading">Resolver log</h2>
      {error && <ErrorPanel error={error} />}
      <ResolverLogView requests={requests} live={live} />
    </section>
  );
}
