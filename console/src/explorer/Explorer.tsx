// The GraphQL explorer: GraphiQL (schema docs and completion from introspection, variables and
// headers panes, history) on the AppSync API, under the auth-mode picker, or on the console's
// own API with the console token. This module and what it imports (GraphiQL, Monaco and its
// workers) form the lazily loaded explorer chunk.
import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import { createLocalStorage } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { useId, useMemo, useRef, useState } from "react";
import type { ConsoleConfig } from "../config";
import { AuthPicker, authState, initialDraft, type AuthDraft } from "./AuthPicker";
import { appSyncFetcher, consoleFetcher } from "./fetcher";

const DEFAULT_QUERY = `# The AppSync API, with the authorization
# mode chosen above. Subscriptions run over
# AppSync's realtime protocol; each event
# streams into the result pane.
# Ctrl+Space completes, Ctrl+Enter runs.

query {
  __typename
}
`;

const CONSOLE_QUERY = `# The console's own API: the embedded Step Functions engine
# and DynamoDB, the API's definition and its resolver log,
# in AWS's own operation and member names.

query {
  server { version }
  listStateMachines(input: {}) { stateMachines { name stateMachineArn } }
}
`;

type Target = "appsync" | "console";

// The console API's tabs and history apart from the AppSync API's.
const CONSOLE_STORAGE = createLocalStorage({ namespace: "appsync-local-console-api" });

interface Props {
  config: ConsoleConfig;
  /** The console API's token; without one only the AppSync API can be explored. */
  consoleToken: string | null;
  /** From a link (`#/explorer?query=...&variables=...`): opened in a tab of its own. */
  initialQuery?: string;
  initialVariables?: string;
}

export default function Explorer({ config, consoleToken, initialQuery, initialVariables }: Props) {
  const targetId = useId();
  const [target, setTarget] = useState<Target>("appsync");
  const [draft, setDraft] = useState<AuthDraft>(() => initialDraft(config));
  const [generation, setGeneration] = useState(0);
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const graphql = config.endpoints.graphql ?? "";
  const realtime = config.endpoints.realtime ?? "";
  const consoleUrl = new URL(config.endpoints.console, window.location.href).href;

  // A new fetcher (and so a schema refetch) only when the API or the mode changes, or a sign-in
  // completes.
  const fetcher = useMemo(
    () =>
      target === "console" && consoleToken
        ? consoleFetcher(consoleUrl, consoleToken)
        : appSyncFetcher({ graphql, realtime }, () => authState(draftRef.current)),
    [target, consoleToken, consoleUrl, graphql, realtime, generation],
  );

  return (
    <div className="explorer">
      {target === "appsync" && (
        <AuthPicker
          config={config}
          draft={draft}
          onChange={setDraft}
          onApply={(next) => {
            draftRef.current = next;
            setDraft(next);
            setGeneration((g) => g + 1);
          }}
        />
      )}
      <div className="graphiql-host">
        <GraphiQL
          // Each API keeps its own tabs, and opens on a query of its own.
          key={target}
          storage={target === "console" ? CONSOLE_STORAGE : undefined}
          fetcher={fetcher}
          defaultQuery={target === "console" ? CONSOLE_QUERY : DEFAULT_QUERY}
          initialQuery={target === "console" ? undefined : initialQuery}
          initialVariables={target === "console" ? undefined : initialVariables}
          isHeadersEditorEnabled
          shouldPersistHeaders={false}
        >
          {/* In the logo's corner: no room taken from the editors. */}
          <GraphiQL.Logo>
            <span className="field explorer-target">
              <label htmlFor={targetId}>API</label>
              <select id={targetId} value={target} onChange={(event) => setTarget(event.target.value as Target)}>
                <option value="appsync">AppSync API</option>
                <option value="console" disabled={!consoleToken}>
                  Console API{consoleToken ? "" : " (needs the console token)"}
                </option>
              </select>
            </span>
          </GraphiQL.Logo>
        </GraphiQL>
      </div>
    </div>
  );
}
