/// <reference types="node" />
// The console's build: two pages (the console and the component harness the browser tests use),
// relative asset URLs (the server mounts the console under /console/), and `.graphql` files
// imported as a map from operation name to a self-contained document (the operation and the
// fragments it spreads), so the browser never parses the contract at run time.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import { Kind, parse, print, visit, type DefinitionNode, type FragmentDefinitionNode } from "graphql";

function graphqlOperations(): Plugin {
  return {
    name: "graphql-operations",
    load(id) {
      if (!id.endsWith(".graphql")) return null;
      const document = parse(readFileSync(id, "utf8"));
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of document.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      }
      const operations: Record<string, string> = {};
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.name) continue;
        const used = new Set<string>();
        const pending: DefinitionNode[] = [definition];
        while (pending.length > 0) {
          visit(pending.pop()!, {
            FragmentSpread(node) {
              if (used.has(node.name.value)) return;
              used.add(node.name.value);
              const fragment = fragments.get(node.name.value);
              if (!fragment) throw new Error(`${id}: unknown fragment ${node.name.value}`);
              pending.push(fragment);
            },
          });
        }
        const parts = [definition, ...[...used].sort().map((name) => fragments.get(name)!)];
        operations[definition.name.value] = parts.map((part) => print(part)).join("\n\n");
      }
      return `export default ${JSON.stringify(operations)};`;
    },
  };
}

export default defineConfig({
  base: "./",
  plugins: [react(), graphqlOperations()],
  build: {
    outDir: resolve(import.meta.dirname, "../appsync/console/static"),
    emptyOutDir: true,
    assetsDir: "assets",
    // The explorer (GraphiQL and Monaco) is one lazy chunk of a few MB; nothing else is close.
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
    // Plain dynamic imports: Vite's preload helper would live in the entry chunk, and every lazy
    // chunk importing it would be renamed whenever the console's own code changes.
    modulePreload: false,
    rollupOptions: {
      // GraphiQL's modules start with React Compiler's "use no memo"; bundling drops it, harmlessly.
      onwarn(warning, warn) {
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
      output: {
        // React in a chunk of its own: the console's code changes, React does not, so the
        // chunks that import React (GraphiQL's, Monaco's) keep their hashed names across builds.
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: "graphiql", test: /node_modules[\\/](graphiql|@graphiql[\\/][^\\/]+)[\\/]/ },
          ],
        },
      },
      input: {
        index: resolve(import.meta.dirname, "index.html"),
        harness: resolve(import.meta.dirname, "harness.html"),
      },
    },
  },
  worker: { format: "es" },
});
