// The APPSYNC_JS globals and built-in modules, evaluated once per engine context (engine.py).
//
// This is the runtime's own code, not resolver code: it uses what resolvers may not (classes,
// try/catch, throw). Every helper that has a behaviour calls the host (host.py), where VTL and
// PYTHON resolvers find the same implementation; what stays here is control flow (util.error,
// util.unauthorized, runtime.earlyReturn end the handler), the shapes AWS's type declarations
// give plain values (operations.*, rds.typeHint.*), console output, and the call wrapper that
// runs one handler and reports what happened as one JSON document.
(function (host, piece, names, PENDING_ERROR, TYPE_ERROR) {
  'use strict';
  // Functions of this prelude, skipped when an error's position is looked for.
  const internal = new WeakSet();
  const mark = (f) => { internal.add(f); return f; };

  // A handler's end other than a return: util.error, util.unauthorized, runtime.earlyReturn,
  // or a helper's ResolverError waiting on the Python side.
  class Signal {
    constructor(kind, args) { this.kind = kind; this.args = args; }
  }
  const nullable = (value) => (value === undefined ? null : value);

  const call = mark((name, args) => {
    const answer = host(name, JSON.stringify(args));
    if (answer.charCodeAt(0) === 0) {
      if (answer === PENDING_ERROR) throw new Signal('host', []);
      throw new TypeError(answer.slice(TYPE_ERROR.length));
    }
    return JSON.parse(answer);
  });
  const stub = (name) => mark((...args) => call(name, args));

  // {a: stub('a'), time: {nowISO8601: stub('time.nowISO8601')}, ...} from the dotted names.
  const tree = (prefix) => {
    const root = {};
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const path = name.slice(prefix.length).split('.');
      let node = root;
      for (const part of path.slice(0, -1)) node = node[part] ?? (node[part] = {});
      node[path[path.length - 1]] = stub(name);
    }
    return root;
  };

  const util = tree('util:');
  util.error = mark((...args) => { throw new Signal('error', args.map(nullable)); });
  util.unauthorized = mark(() => { throw new Signal('unauthorized', []); });

  const runtime = {
    earlyReturn: mark((obj, returnOptions) => {
      throw new Signal('earlyReturn', [nullable(obj), nullable(returnOptions)]);
    }),
  };

  let logs = [];
  const text = (value) => (typeof value === 'string' ? value : JSON.stringify(value));
  const log = (level) => mark((...args) => { logs.push([level, args.map(text).join(' ')]); });
  const console = {
    log: log('INFO'), info: log('INFO'), debug: log('DEBUG'), warn: log('WARN'),
    error: log('ERROR'),
  };

  // `operations` of @aws-appsync/utils/dynamodb: the `_type` of AWS's DynamoDBOperation* types.
  const operations = {
    add: mark((value) => ({ _type: 'add', value })),
    remove: mark(() => ({ _type: 'remove' })),
    replace: mark((value) => ({ _type: 'replace', value })),
    increment: mark((by) => ({ _type: 'increment', value: by })),
    decrement: mark((by) => ({ _type: 'decrement', value: by })),
    append: mark((items) => ({ _type: 'append', value: items })),
    prepend: mark((items) => ({ _type: 'prepend', value: items })),
    updateListItem: mark((value, index) => ({ _type: 'updateListItem', value, index })),
  };
  const dynamodb = { ...tree('ddb:'), operations };

  // rds.typeHint.UUID(value) -> {type: 'UUID', value} (localstack/appsync-utils snapshots,
  // recorded from AppSync's EvaluateCode).
  const typeHint = {};
  for (const type of ['DECIMAL', 'JSON', 'TIME', 'DATE', 'TIMESTAMP', 'UUID']) {
    typeHint[type] = mark((value) => ({ type, value }));
  }
  // The `sql` tagged template keeps its pieces; the statement functions render them.
  const sql = mark((strings, ...keys) => ({ strings: [...strings], keys }));
  const rds = { ...tree('rds:'), toJsonObject: util.rds.toJsonObject, typeHint, sql };

  const extensions = tree('extensions:');
  const modules = {
    '@aws-appsync/utils': { util, extensions, runtime },
    '@aws-appsync/utils/dynamodb': dynamodb,
    '@aws-appsync/utils/rds': rds,
  };

  // Where an error happened: the first frame outside this prelude, [line, column].
  Error.prepareStackTrace = (error, sites) => sites.map(
    (site) => [site.getLineNumber(), site.getColumnNumber(), internal.has(site.getFunction())]);
  const position = (error) => {
    const frames = error !== null && typeof error === 'object' ? error.stack : null;
    if (!Array.isArray(frames)) return null;
    const found = frames.find((frame) => !frame[2]);
    return found ? [found[0], found[1]] : null;
  };
  const failure = (error) => ({
    k: 'exception',
    n: error instanceof Error ? error.name : 'Error',
    m: error instanceof Error ? error.message : String(error),
    p: position(error),
  });

  // The run's deadline, checked at the top of every loop and function body of resolver code
  // (module.py inserts the calls); a resolver cannot catch what it throws.
  let deadline = 0;
  let ticks = 0;
  const tick = mark(() => {
    ticks += 1;
    if ((ticks & 1023) === 0 && Date.now() > deadline) throw new Signal('timeout', []);
  });

  // The handler's `ctx` (resolver-context-reference-js). Each field is fetched from the host
  // and parsed the first time the handler reads it, so a handler pays for what it reads; `args`
  // is the same object as `arguments`. What the handler leaves in `stash` goes back. The getters
  // live on one prototype (an object literal of getters per call costs more than the handler);
  // toJSON lets console.log(ctx) show every field.
  const FIELDS = ['arguments', 'args', 'identity', 'source', 'stash', 'prev', 'result', 'error',
    'info', 'request', 'env'];
  const contextPrototype = {
    toJSON() { return Object.fromEntries(FIELDS.map((name) => [name, this[name]])); },
  };
  for (const name of FIELDS) {
    const key = name === 'args' ? 'arguments' : name;
    Object.defineProperty(contextPrototype, name, {
      enumerable: true,
      get() {
        const fields = this.__fields;
        return Object.hasOwn(fields, key) ? fields[key] : (fields[key] = JSON.parse(piece(key)));
      },
    });
  }

  // Each unit's factory; a stateless module's one instance once made.
  const units = [];
  const instances = [];
  const define = mark((index, stateless, factory) => {
    if (units[index] !== undefined) return;
    units[index] = factory;
    instances[index] = stateless ? null : undefined;
  });
  const instance = (unit) => {
    const kept = instances[unit];
    if (kept) return kept;
    const made = units[unit](modules, tick);
    if (kept === null) instances[unit] = made;
    return made;
  };
  const run = mark((unit, handler, limit) => {
    logs = [];
    ticks = 0;
    deadline = Date.now() + limit;
    const fields = {};
    const ctx = Object.create(contextPrototype);
    ctx.__fields = fields;
    let outcome;
    try {
      const value = instance(unit)[handler](ctx);
      if (!Object.hasOwn(fields, 'stash') && !logs.length) {
        // The common end, answered as `[value]` rather than the outcome object (a string made
        // by concatenation may be a rope, which the binding cannot hand to Python).
        return JSON.stringify([nullable(value)]);
      }
      outcome = { k: 'return', v: nullable(value) };
    } catch (error) {
      outcome = error instanceof Signal ? { k: error.kind, a: error.args } : failure(error);
    }
    if (Object.hasOwn(fields, 'stash')) outcome.s = fields.stash;
    if (logs.length) outcome.l = logs;
    try {
      return JSON.stringify(outcome);
    } catch (error) {
      return JSON.stringify({ ...failure(error), s: null, l: logs });
    }
  });

  const freeze = (value) => {
    if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
      if (Object.isFrozen(value)) return value;
      Object.freeze(value);
      for (const key of Reflect.ownKeys(value)) {
        const descriptor = Object.getOwnPropertyDescriptor(value, key);
        if (descriptor && 'value' in descriptor) freeze(descriptor.value);
      }
    }
    return value;
  };
  Object.assign(globalThis, { util, extensions, runtime, console, __appsync_define: define });
  // Nothing a handler does to a built-in or a global outlives its request.
  for (const name of Reflect.ownKeys(globalThis)) {
    const value = globalThis[name];
    if (typeof value === 'function' || (typeof value === 'object' && value !== null)) {
      freeze(value);
    }
  }
  freeze(modules);
  Object.freeze(globalThis);
  return { run, exports: Object.fromEntries(Object.entries(modules).map(
    ([name, module]) => [name, Object.keys(module)])) };
})
