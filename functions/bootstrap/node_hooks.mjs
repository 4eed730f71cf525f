// ES module resolution through NODE_PATH, registered by node_runtime.mjs with module.register.
//
// Node's ES module loader ignores NODE_PATH; Lambda's Node.js runtimes (18 and later) search it
// when an `import` of a bare name is not found next to the importing file, so functions written
// as ES modules import the runtime's AWS SDK and their layers' packages
// (/opt/nodejs/node_modules). A bare name that fails to resolve is tried again as if imported
// from a file beside each NODE_PATH folder named node_modules, which keeps Node's own rules
// (package "exports", the "import" condition).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

let searchDirs = [];

export async function initialize(data) {
  searchDirs = data?.dirs ?? [];
}

function isBare(specifier) {
  return !/^(\.{0,2}\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier) && !specifier.startsWith('#');
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) {
      throw error;
    }
    for (const dir of searchDirs) {
      if (path.basename(dir) !== 'node_modules') {
        continue;
      }
      // Imported from a file beside `dir`, a bare name is looked up in `dir`.
      const parentURL = pathToFileURL(path.join(path.dirname(dir), '__node_path__.mjs')).href;
      try {
        return await nextResolve(specifier, { ...context, parentURL });
      } catch {
        // Not in this folder: try the next one.
      }
    }
    throw error;
  }
}
