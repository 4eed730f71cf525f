/// <reference types="vite/client" />

// `.graphql` files import as a map from operation name to a self-contained document
// (vite.config.ts, plugin `graphql-operations`).
declare module "*.graphql" {
  const operations: Record<string, string>;
  export default operations;
}
