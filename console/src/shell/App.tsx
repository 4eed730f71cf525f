// The console's frame: a header with the API's name, its endpoints and the server's version,
// the sections this server serves, and the current section's view. The explorer is a lazy chunk
// (GraphiQL and Monaco are most of the console's bytes), so the other views load without it.
// The data-backed sections need the console token: config.json carries it to a page loaded on
// the server's machine; elsewhere the user types it (kept for the tab's session).
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { consoleClient } from "../api/client";
import { loadConfig, type ConsoleConfig } from "../config";
import { DynamoDBSection, LogsSection, StepFunctionsSection } from "./Sections";
import { TokenForm, storedToken } from "./Token";
import { useRoute, type Route } from "./route";

const Explorer = lazy(() => import("../explorer/Explorer"));

const SECTIONS: { id: Route["section"]; title: string; href: string }[] = [
  { id: "explorer", title: "GraphQL explorer", href: "#/explorer" },
  { id: "stepfunctions", title: "Step Functions", href: "#/stepfunctions" },
  { id: "dynamodb", title: "DynamoDB", href: "#/dynamodb" },
  { id: "logs", title: "Resolver log", href: "#/logs" },
];

function Header({ config, current }: { config: ConsoleConfig; current: Route["section"] }) {
  const sections = SECTIONS.filter((section) => config.sections.includes(section.id));
  return (
    <header className="app-header">
      <div className="brand">
        <h1>{config.apiName}</h1>
        <span className="version">appsync-local {config.version}</span>
      </div>
      <dl className="endpoints" aria-label="Endpoints">
        {config.endpoints.graphql && (
          <div>
            <dt>GraphQL</dt>
            <dd className="mono">{config.endpoints.graphql}</dd>
          </div>
        )}
        {config.endpoints.realtime && (
          <div>
            <dt>Realtime</dt>
            <dd className="mono">{config.endpoints.realtime}</dd>
          </div>
        )}
        {config.endpoints.aws && (
          <div>
            <dt>AWS endpoint</dt>
            <dd className="mono">{config.endpoints.aws}</dd>
          </div>
        )}
      </dl>
      <nav aria-label="Sections" className="sections">
        {sections.map((section) => (
          <a key={section.id} href={section.href} aria-current={section.id === current ? "page" : undefined}>
            {section.title}
          </a>
        ))}
      </nav>
    </header>
  );
}

export function App() {
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [token, setToken] = useState<string | null>(null);
  const route = useRoute();
  useEffect(() => {
    loadConfig().then(
      (loaded) => {
        setConfig(loaded);
        setToken(loaded.consoleToken ?? storedToken());
      },
      (loadError: unknown) => setError(String(loadError)),
    );
  }, []);
  const client = useMemo(
    () => (config && token ? consoleClient(new URL(config.endpoints.console, window.location.href).href, token) : null),
    [config, token],
  );
  useEffect(() => () => client?.close(), [client]);
  useEffect(() => {
    if (config) document.title = `${config.apiName} · appsync-local console`;
  }, [config]);

  if (error) {
    return (
      <main className="fatal" role="alert">
        The console could not read its configuration: {error}
      </main>
    );
  }
  if (!config) return <main className="fatal">Loading…</main>;
  // A server without the explorer (appsync-local stepfunctions) opens on its first section.
  const section = config.sections.includes(route.section) ? route.section : config.sections[0];
  const needsToken = section !== "explorer" && !client;
  return (
    <div className={`app section-${section}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header config={config} current={section} />
      <main id="main" tabIndex={-1}>
        {needsToken && <TokenForm onToken={setToken} />}
        {section === "explorer" && (
          <Suspense fallback={<p className="muted" role="status">Loading the explorer…</p>}>
            <Explorer
              // A link to another operation opens it (GraphiQL reads its initial query once).
              key={route.params.get("query") ?? ""}
              config={config}
              consoleToken={token}
              initialQuery={route.params.get("query") ?? undefined}
              initialVariables={route.params.get("variables") ?? undefined}
            />
          </Suspense>
        )}
        {client && section === "stepfunctions" && <StepFunctionsSection client={client} parts={route.parts} />}
        {client && section === "dynamodb" && <DynamoDBSection client={client} parts={route.parts} />}
        {client && section === "logs" && <LogsSection client={client} />}
      </main>
    </div>
  );
}
