// The APPSYNC_JS globals and built-in modules, evaluated once per engine context (engine.py).
//
// This is the runtime's own code, not resolver code: it uses what resolvers may not (classes,
// try/catch, throw). Every helper that has a behaviour calls the host (host.py), where VTL and
// PYTHON resolvers find the same implementation; what stays here is control flow (util.error,
// util.unauthorized, runtime.earlyReturn end the handler), the shapes AWS's type declarations
// give plain values (operations.*, rds.typeHint.*), console output, and the call wrapper that
// runs one handler and reports what happened as one JSON document.
(function (host, piece, report, names, PENDING_ERROR, TYPE_ERROR) {
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

  // Console output as AppSync writes it into EvaluateCode's `logs`: each argument as JSON
  // (a string quoted), where the call is ("INFO - code.js:5:3: \"current id\" \"record-id\"",
  // AppSync developer guide, test-resolvers).
  let logs = null;
  const text = (value) => {
    const written = JSON.stringify(value);
    return written === undefined ? String(value) : written;
  };
  const log = (level) => mark((...args) => {
    (logs ??= []).push([level, position(new Error()), args.map(text).join(' ')]);
  });
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
  // Resolver code cannot throw (the subset has no `throw`), so a thrown null is the engine's:
  // out of memory with no memory left even for the error object.
  const failure = (error) => {
    if (error === null) return { k: 'exception', n: 'InternalError', m: 'out of memory', p: null };
    return {
      k: 'exception',
      n: error instanceof Error ? error.name : 'Error',
      m: error instanceof Error ? error.message : String(error),
      p: position(error),
    };
  };

  // The run's deadline, checked at the top of every loop and function body of resolver code
  // (module.py inserts the calls); a resolver cannot catch what it throws. A run on a slice of
  // the server's event loop ends with 'slice' there instead, to be run again elsewhere.
  // The clock is first read at the first check, 1024 ticks in (a few microseconds), so a
  // handler that does not loop never reads it.
  let deadline = 0;
  let limit = 0;
  let ending = 'timeout';
  let ticks = 0;
  const tick = mark(() => {
    ticks += 1;
    if ((ticks & 1023) !== 0) return;
    const now = Date.now();
    if (deadline === 0) deadline = now + limit;
    else if (now > deadline) throw new Signal(ending, []);
  });

  // The handler's `ctx` (resolver-context-reference-js). A field the handler is seen to read
  // comes with the call; any other is fetched from the host and parsed the first time the
  // handler reads it, so a handler pays for what it reads; `args` is the same object as
  // `arguments`. The getters live on one prototype (an object literal of getters per call
  // costs more than the handler) and read the fields of the call under way (one at a time);
  // toJSON lets console.log(ctx) show every field. The stash goes back only when the handler
  // changed it (its text differs from the one it was read from).
  let stashText = null;
  let fields = {};
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
        const known = fields[key];
        if (known !== undefined) return known;
        const text = piece(key);
        if (key === 'stash') stashText = text;
        return (fields[key] = JSON.parse(text));
      },
      set(value) {
        fields[key] = value;
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
  // A call ends one of two ways. A return answers the value's JSON text; any other end keeps
  // its outcome's JSON text for `take` and answers 0. What goes back beside either is reported
  // to the host before the call ends: the stash's text when the handler changed it, and the
  // console output. (Strings only: a string made by concatenation may be a rope, which the
  // binding cannot hand to Python.)
  let taken = null;
  const take = mark(() => taken);
  const keep = (outcome) => {
    try {
      taken = JSON.stringify(outcome);
    } catch (error) {
      taken = JSON.stringify(failure(error));
    }
    return 0;
  };
  const sendStash = () => {
    const stash = fields.stash;
    if (stash === undefined) return;
    const text = JSON.stringify(stash);
    if (text !== stashText) report('s', text);
  };
  const sendLogs = () => {
    if (logs !== null) report('l', JSON.stringify(logs));
  };
  // `prefetched`: the JSON text of the ctx fields the handler is seen to read (module.py), or
  // ''; `stashIn`: the stash's own text when it is among them.
  // `call`: the unit's number, twice, plus 1 for its response handler; `limitMs`: the time
  // limit, negative for a slice of the server's event loop.
  const run = mark((call, limitMs, prefetched, stashIn) => {
    logs = null;
    ticks = 0;
    stashText = stashIn;
    deadline = 0;
    limit = Math.abs(limitMs);
    ending = limitMs < 0 ? 'slice' : 'timeout';
    fields = prefetched ? JSON.parse(prefetched) : {};
    let outcome;
    try {
      const handler = (call & 1) === 0 ? 'request' : 'response';
      const value = instance(call >> 1)[handler](Object.create(contextPrototype));
      const text = JSON.stringify(value);
      sendStash();
      sendLogs();
      return text === undefined ? 'null' : text;
    } catch (error) {
      outcome = error instanceof Signal ? { k: error.kind, a: error.args } : failure(error);
    }
    // What a handler put in the stash before util.error or runtime.earlyReturn stays; a run
    // stopped for its slice is run again from the start, so it leaves nothing.
    if (outcome.k !== 'slice') {
      try {
        sendStash();
      } catch (error) {
        outcome = failure(error);
      }
      sendLogs();
    }
    return keep(outcome);
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
  return { run, take, exports: Object.fromEntries(Object.entries(modules).map(
    ([name, module]) => [name, Object.keys(module)])) };
})
