// Lambda's Node.js runtime for one function, in a worker process of the local Lambda runtime.
//
// functions/runtimes.py starts `node node_runtime.mjs`; this file speaks functions/protocol.py on
// the file descriptor the server passes. It follows AWS's runtime interface client
// (aws-lambda-nodejs-runtime-interface-client, src/UserFunction.js, Runtime.js,
// CallbackContext.js, InvokeContext.js, Errors.js, LogPatch.js): how a handler string is loaded
// (CommonJS, ES modules, `"type": "module"`) and its Runtime.* load errors; async, promise and
// callback handlers with context.done/succeed/fail; the context object; the error object
// {"errorType": err.name, "errorMessage": err.message, "trace": stack lines} (AWS Lambda
// developer guide, "Lambda function errors in Node.js"); console lines
// `<time>\t<request id>\t<LEVEL>\t<message>` with newlines turned into carriage returns; an
// uncaught exception or unhandled rejection fails the invocation and ends the process.
import fs from 'node:fs';
import module from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import util from 'node:util';

// The same values as functions/protocol.py (tests check they agree).
const END_OF_OUTPUT = '\x00appsync-local:end-of-invocation:';
const WORKER_FD_VARIABLE = '_APPSYNC_LOCAL_WORKER_FD';

const require = module.createRequire(import.meta.url);
let currentRequestId;
let invoking = false;

// ---- console, as Lambda's LogPatch writes it ----

function patchConsole() {
  const write = (level) => (message, ...params) => {
    const line = `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${util.format(message, ...params)}`;
    process.stdout.write(line.replace(/\n/g, '\r') + '\n');
  };
  console.trace = write('TRACE');
  console.debug = write('DEBUG');
  console.info = write('INFO');
  console.log = write('INFO');
  console.warn = write('WARN');
  console.error = write('ERROR');
  console.fatal = write('FATAL');
}

function withEnumerableProperties(_key, value) {
  if (value instanceof Error) {
    const shown = Object.assign({ errorType: value.name, errorMessage: value.message, code: value.code }, value);
    if (typeof value.stack === 'string') {
      shown.stack = value.stack.split('\n');
    }
    return shown;
  }
  return value;
}

function logError(title, error) {
  let formatted;
  try {
    formatted = '\t' + JSON.stringify(error, withEnumerableProperties);
  } catch {
    formatted = '\t' + JSON.stringify(toRapidResponse(error));
  }
  console.error(title, formatted);
}

// ---- errors ----

function isErrorLike(value) {
  return Boolean(value && typeof value.name === 'string' && typeof value.message === 'string' && typeof value.stack === 'string' && value.name && value.message && value.stack);
}

function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: error.stack.split('\n') };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function runtimeError(name, message) {
  const error = new Error(message);
  error.name = `Runtime.${name}`;
  return error;
}

// ---- loading the handler (UserFunction.js) ----

function hasTypeModule(folder) {
  if (folder.endsWith(`${path.sep}node_modules`)) {
    return false;
  }
  const manifest = path.join(folder, 'package.json');
  if (fs.existsSync(manifest)) {
    try {
      return JSON.parse(fs.readFileSync(manifest, 'utf8'))?.type === 'module';
    } catch {
      return false;
    }
  }
  const parent = path.dirname(folder);
  return parent === folder ? false : hasTypeModule(parent);
}

function requireIfExists(file) {
  return fs.existsSync(file) ? require(file) : undefined;
}

async function importIfExists(file) {
  return fs.existsSync(file) ? import(pathToFileURL(file).href) : undefined;
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  const extensionless = requireIfExists(base);
  if (extensionless) {
    return extensionless;
  }
  const typeModule = fs.existsSync(`${base}.js`) && hasTypeModule(path.dirname(base));
  if (!typeModule) {
    const loaded = requireIfExists(`${base}.js`);
    if (loaded) {
      return loaded;
    }
  }
  const loaded = (typeModule && (await importIfExists(`${base}.js`))) || (await importIfExists(`${base}.mjs`)) || requireIfExists(`${base}.cjs`);
  if (loaded) {
    return loaded;
  }
  return require(require.resolve(moduleName, { paths: [appRoot, moduleRoot] }));
}

async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw runtimeError('MalformedHandlerName', `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const moduleAndHandler = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(moduleAndHandler));
  const match = moduleAndHandler.match(/^([^.]*)\.(.*)$/);
  if (!match) {
    throw runtimeError('MalformedHandlerName', 'Bad handler');
  }
  const [, moduleName, handlerPath] = match;
  let loaded;
  try {
    loaded = await loadModule(appRoot, moduleRoot, moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw runtimeError('UserCodeSyntaxError', String(error));
    }
    if (error?.code === 'MODULE_NOT_FOUND') {
      throw runtimeError('ImportModuleError', String(error));
    }
    throw error;
  }
  const handler = handlerPath.split('.').reduce((object, key) => object && object[key], loaded);
  if (!handler) {
    throw runtimeError('HandlerNotFound', `${fullHandler} is undefined or not exported`);
  }
  if (typeof handler !== 'function') {
    throw runtimeError('HandlerNotFound', `${fullHandler} is not a function`);
  }
  return handler;
}

// ---- the channel ----

function openChannel() {
  const fd = Number(process.env[WORKER_FD_VARIABLE]);
  delete process.env[WORKER_FD_VARIABLE];
  return new net.Socket({ fd, readable: true, writable: true });
}

function send(channel, header, body = Buffer.alloc(0), then) {
  const encoded = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32BE(encoded.length, 0);
  prefix.writeUInt32BE(body.length, 4);
  channel.write(Buffer.concat([prefix, encoded, body]), then);
}

function onFrames(channel, handle) {
  const chunks = [];
  let buffered = 0;
  let needed = 8;
  let header = null;
  channel.on('data', (chunk) => {
    chunks.push(chunk);
    buffered += chunk.length;
    while (buffered >= needed) {
      const joined = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, buffered);
      chunks.length = 0;
      if (header === null) {
        const headerLength = joined.readUInt32BE(0);
        const bodyLength = joined.readUInt32BE(4);
        if (joined.length < 8 + headerLength) {
          chunks.push(joined);
          needed = 8 + headerLength;
          continue;
        }
        header = JSON.parse(joined.subarray(8, 8 + headerLength).toString('utf8'));
        const rest = joined.subarray(8 + headerLength);
        chunks.push(rest);
        buffered = rest.length;
        needed = bodyLength;
        continue;
      }
      const body = joined.subarray(0, needed);
      const rest = joined.subarray(needed);
      const frame = header;
      header = null;
      chunks.push(rest);
      buffered = rest.length;
      needed = 8;
      handle(frame, body);
    }
  });
  // The server closed the channel: it is stopping this worker.
  channel.on('end', () => process.exit(0));
  channel.on('error', () => process.exit(0));
}

// Whether anything was written to stdout and stderr since the last marker, and their own write
// functions (the markers themselves go through those).
const written = [false, false];
const writers = [process.stdout, process.stderr].map((stream, index) => {
  const write = stream.write.bind(stream);
  stream.write = (...args) => {
    written[index] = true;
    return write(...args);
  };
  return write;
});

function endOutput(requestId, always = false) {
  const marker = `${END_OF_OUTPUT}${requestId}\n`;
  return writers.map((write, index) => {
    const mark = always || written[index];
    if (mark) {
      write(marker);
    }
    written[index] = false;
    return mark;
  });
}

// ---- one invocation (Runtime.js, CallbackContext.js, InvokeContext.js) ----

function parseJson(text, name) {
  if (text === null || text === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`Cannot parse ${name} as json: ${error.toString()}`);
  }
}

function resourceCounts() {
  const counts = new Map();
  for (const kind of process.getActiveResourcesInfo()) {
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

function isIdle(baseline) {
  // Lambda answers a handler that neither returns a promise nor calls back once the event loop
  // is empty. The worker's own channel keeps the loop busy, so "empty" is: no more resources
  // of each kind than before the handler ran (this check's own timer aside).
  const counts = resourceCounts();
  counts.set('Timeout', (counts.get('Timeout') ?? 1) - 1);
  for (const [kind, count] of counts) {
    if (count > (baseline.get(kind) ?? 0)) {
      return false;
    }
  }
  return true;
}

function invoke(channel, handler, header, body) {
  const requestId = header.requestId;
  currentRequestId = requestId;
  let finished = false;
  const finish = (type, payload) => {
    if (finished) {
      return;
    }
    finished = true;
    invoking = false;
    const marked = endOutput(requestId);
    const header = { type, requestId, maxRssKiB: process.resourceUsage().maxRSS, marked };
    send(channel, header, Buffer.from(payload));
  };
  const fail = (error) => {
    logError('Invoke Error', error);
    finish('error', JSON.stringify(toRapidResponse(error)));
  };
  const succeed = (result) => {
    let payload;
    try {
      payload = JSON.stringify(result === undefined ? null : result) ?? 'null';
    } catch {
      fail(new Error('Unable to stringify response body'));
      return;
    }
    finish('result', payload);
  };
  invoking = true;
  const done = (error, result) => (error !== undefined && error !== null ? fail(error) : succeed(result));
  // AWS differs: a callback's result is answered at once; Lambda waits for the event loop to
  // empty first unless context.callbackWaitsForEmptyEventLoop is false.
  let callbackWaitsForEmptyEventLoop = true;
  const deadline = header.deadlineMs;
  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return callbackWaitsForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      callbackWaitsForEmptyEventLoop = value;
    },
    succeed: (result) => done(null, result),
    fail: (error) => done(error === undefined || error === null ? 'handled' : error),
    done,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    invokedFunctionArn: header.invokedFunctionArn,
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  let result;
  try {
    context.clientContext = parseJson(header.clientContext, 'ClientContext');
    context.identity = parseJson(header.cognitoIdentity, 'CognitoIdentity');
    const baseline = resourceCounts();
    result = handler(JSON.parse(body.toString('utf8')), context, done);
    if (result && typeof result.then === 'function') {
      result.then(context.succeed, context.fail).catch(context.fail);
      return;
    }
    const poll = () => {
      if (!finished) {
        if (isIdle(baseline)) {
          succeed(null);
        } else {
          setTimeout(poll, 2);
        }
      }
    };
    setTimeout(poll, 0);
  } catch (error) {
    done(error);
  }
}

// ---- the worker ----

async function main() {
  patchConsole();
  const channel = openChannel();
  const nodePath = (process.env.NODE_PATH ?? '').split(path.delimiter).filter(Boolean);
  if (nodePath.length && typeof module.register === 'function') {
    const hooks = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_hooks.mjs');
    module.register(pathToFileURL(hooks).href, { data: { dirs: nodePath } });
  }
  const failAndExit = (title, error, code) => {
    logError(title, error);
    if (!invoking) {
      process.exit(code);
    }
    invoking = false;
    const marked = endOutput(currentRequestId);
    const payload = Buffer.from(JSON.stringify(toRapidResponse(error)));
    const maxRssKiB = process.resourceUsage().maxRSS;
    const header = { type: 'error', requestId: currentRequestId, maxRssKiB, marked, exiting: true };
    send(channel, header, payload, () => process.exit(code));
  };
  process.on('uncaughtException', (error) => failAndExit('Uncaught Exception', error, 129));
  process.on('unhandledRejection', (reason) => {
    const error = new Error(reason);
    error.name = 'Runtime.UnhandledPromiseRejection';
    error.reason = reason;
    failAndExit('Unhandled Promise Rejection', error, 128);
  });
  globalThis.awslambda = {};
  let handler;
  try {
    handler = await loadHandler(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), process.env._HANDLER ?? '');
  } catch (error) {
    logError('Init Error', error);
    send(channel, { type: 'initError' }, Buffer.from(JSON.stringify(toRapidResponse(error))), () => process.exit(1));
    return;
  }
  endOutput('', true);
  send(channel, { type: 'ready' });
  onFrames(channel, (header, body) => invoke(channel, handler, header, body));
}

await main();
