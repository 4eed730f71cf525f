// Hash routes: the console is one page served under /console/, so views live in the fragment
// (#/explorer, #/stepfunctions/execution/<arn>, ...) and need nothing from the server.
import { useEffect, useState } from "react";

export interface Route {
  section: "explorer" | "stepfunctions" | "dynamodb" | "logs";
  parts: string[];
  /** After a `?` in the fragment: `#/explorer?query=...&variables=...` opens that operation. */
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path, search = ""] = hash.replace(/^#\/?/, "").split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(search);
  const section = parts[0];
  if (section === "stepfunctions" || section === "dynamodb" || section === "logs") return { section, parts: parts.slice(1), params };
  return { section: "explorer", parts: [], params };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
