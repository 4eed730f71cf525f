// The GraphQL explorer: GraphiQL (schema docs and completion from introspection, variables and
// headers panes, history) on the AppSync API, under the auth-mode picker. This module and what
// it imports (GraphiQL, Monaco and its workers) form the lazily loaded explorer chunk.
import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import { GraphiQL } from "graphiql";
import { useMemo, useRef, useState } from "react";
import type { ConsoleConfig } from "../config";
import { AuthPicker, authState, initialDraft, type AuthDraft } from "./AuthPicker";
import { appSyncFetcher } from "./fetcher";

const DEFAULT_QUERY = `# The AppSync API, with the authorization
# mode chosen above. Subscriptions run over
# AppSync's realtime protocol; each event
# streams into the result pane.
# Ctrl+Space completes, Ctrl+Enter runs.

query {
  __typename
}
`;

interface Props {
  config: ConsoleConfig;
  /** From a link (`#/explorer?query=...&variables=...`): opened in a tab of its own. */
  initialQuery?: string;
  initialVariables?: string;
}

export default function Explorer({ config, initialQuery, initialVariables }: Props) {
  const [draft, setDraft] = useState<AuthDraft>(() => initialDraft(config));
  const [generation, setGeneration] = useState(0);
  const draftRef = useRef(draft);
  draftRef.current = draft;

  // A new fetcher (and so a schema refetch) only when the mode changes or a sign-in completes.
  const fetcher = useMemo(
    () => appSyncFetcher(config.endpoints, () => authState(draftRef.current)),
    [config.endpoints, generation],
  );

  return (
    <div className="explorer">
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
      <div className="graphiql-host">
        <GraphiQL
          fetcher={fetcher}
          defaultQuery={DEFAULT_QUERY}
          initialQuery={initialQuery}
          initialVariables={initialVariables}
          isHeadersEditorEnabled
          shouldPersistHeaders={false}
        />
      </div>
    </div>
  );
}
