// The console's frame: a header with the API's name, its endpoints and the server's version,
// the sections, and the current section's view. The explorer is a lazy chunk (GraphiQL and
// Monaco are most of the console's bytes), so the other views load without it.
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { consoleClient } from "../api/client";
import { loadConfig, type ConsoleConfig } from "../config";
import { DynamoDBSection, LogsSection, StepFunctionsSection } from "./Sections";
import { useRoute, type Route } from "./route";

const Explorer = lazy(() => import("../explorer/Explorer"));

const SECTIONS: { id: Route["section"]; title: string; href: string }[] = [
  { id: "explorer", title: "GraphQL explorer", href: "#/explorer" },
  { id: "stepfunctions", title: "Step Functions", href: "#/stepfunctions" },
  { id: "dynamodb", title: "DynamoDB", href: "#/dynamodb" },
  { id: "logs", title: "Resolver log", href: "#/logs" },
];

function Header({ config, current }: { config: ConsoleConfig; current: Route["section"] }) {
  return (
    <header className="app-header">
      <div className="brand">
        <h1>{config.apiName}</h1>
        <span className="version">appsync-local {config.version}</span>
      </div>
      <dl className="endpoints" aria-label="Endpoints">
        <div>
          <dt>GraphQL</dt>
          <dd className="mono">{config.endpoints.graphql}</dd>
        </div>
        <div>
          <dt>Realtime</dt>
          <dd className="mono">{config.endpoints.realtime}</dd>
        </div>
        {config.endpoints.aws && (
          <div>
            <dt>AWS endpoint</dt>
            <dd className="mono">{config.endpoints.aws}</dd>
          </div>
        )}
      </dl>
      <nav aria-label="Sections" className="sections">
        {SECTIONS.map((section) => (
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
  const route = useRoute();
  useEffect(() => {
    loadConfig().then(setConfig, (loadError: unknown) => setError(String(loadError)));
  }, []);
  const client = useMemo(() => (config ? consoleClient(new URL(config.endpoints.console, window.location.href).href) : null), [config]);
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
  if (!config || !client) return <main className="fatal">Loading…</main>;
  return (
    <div className={`app section-${route.section}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header config={config} current={route.section} />
      <main id="main" tabIndex={-1}>
        {route.section === "explorer" && (
          <Suspense fallback={<p className="muted" role="status">Loading the explorer…</p>}>
            <Explorer
              // A link to another operation opens it (GraphiQL reads its initial query once).
              key={route.params.get("query") ?? ""}
              config={config}
              initialQuery={route.params.get("query") ?? undefined}
              initialVariables={route.params.get("variables") ?? undefined}
            />
          </Suspense>
        )}
        {route.section === "stepfunctions" && <StepFunctionsSection client={client} parts={route.parts} />}
        {route.section === "dynamodb" && <DynamoDBSection client={client} parts={route.parts} />}
        {route.section === "logs" && <LogsSection client={client} />}
      </main>
    </div>
  );
}
