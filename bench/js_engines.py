"""The JavaScript engines an APPSYNC_JS runtime could embed, measured side by side.

    .venv/bin/python -m bench.js_engines [--runs 3] [--calls 3000]

(the candidates are pinned in the `bench` extra: `./scripts/bench js_engines` installs them.)

Each engine runs in its own subprocess, `--runs` times, so that one engine's import, threads and
heap never weigh on another's figures. Per engine:

- import: seconds to import the binding (what a server start pays once);
- startup: milliseconds to make one context and compile one resolver in it;
- per call: microseconds for a realistic unit resolver through the runtime's call shape, JSON in
  and out: `request(ctx)` builds a DynamoDB GetItem from `ctx.args` with one
  `util.dynamodb.toMapValues` call (implemented in Python where the engine can call back into
  Python synchronously, else in JavaScript), then `response(ctx)` returns `ctx.result`;
- memory per context: the resident set's growth per context holding one compiled resolver;
- ES modules: whether the resolver's `import ... from '@aws-appsync/utils'` / `export function`
  form is evaluated as a module, with its imports resolved by the engine;
- Python callback: whether JavaScript can call a Python function and use its value synchronously
  (resolver code is synchronous: a Promise is of no use to it);
- time limit / memory limit: how a `for (;;) {}` and a runaway allocation are stopped.

The table prints each figure's range over the runs and the ratio to the chosen engine (QuickJS,
see resolvers/runtimes/js/engine.py for why).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

ENGINES = ("quickjs", "mini-racer", "pythonmonkey")
CHOSEN = "quickjs"
CONTEXTS = 20

CTX = json.dumps({"args": {"id": "post-1"}, "result": {"id": "post-1", "title": "Hello"}})
RESOLVER_MODULE = """
import { util } from '@aws-appsync/utils';
export function request(ctx) {
  return { operation: 'GetItem', key: util.dynamodb.toMapValues({ id: ctx.args.id }) };
}
export function response(ctx) {
  return ctx.result;
}
"""
# The same resolver as a script, for engines that cannot evaluate an ES module; `toMapValues`
# comes from the prelude below (Python through `__py`, or JavaScript).
RESOLVER_SCRIPT = """
function request(ctx) {
  return { operation: 'GetItem', key: util.dynamodb.toMapValues({ id: ctx.args.id }) };
}
function response(ctx) {
  return ctx.result;
}
globalThis.__call = (name, text) => {
  const ctx = JSON.parse(text);
  return JSON.stringify(name === 'request' ? request(ctx) : response(ctx));
};
"""
PY_UTIL = """
globalThis.util = { dynamodb: {
  toMapValues: (v) => JSON.parse(__py('toMapValues', JSON.stringify(v))) } };
"""
JS_UTIL = """
const toDynamoDB = (v) => v === null ? { NULL: null } : typeof v === 'string' ? { S: v }
  : typeof v === 'number' ? { N: v } : typeof v === 'boolean' ? { BOOL: v }
  : Array.isArray(v) ? { L: v.map(toDynamoDB) }
  : { M: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toDynamoDB(x)])) };
globalThis.util = { dynamodb: { toMapValues: (v) =>
  Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toDynamoDB(x)])) } };
"""
RUNAWAY = "for (;;) {}"
ALLOCATE = "const a = []; for (;;) { a.push('x'.repeat(1024) + a.length); }"


def python_util(name: str, argument: str) -> str:
    """The Python side of `util.dynamodb.toMapValues`, as the runtime shares it with VTL."""
    from resolvers.util.dynamodb import to_map_values

    return json.dumps(to_map_values(json.loads(argument)))


def rss_bytes() -> int:
    """This process's resident set: /proc on Linux; elsewhere the peak (which is the current
    size while contexts are only being made)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def per_call(call: Callable[[str, str], Any], calls: int) -> float:
    for _ in range(200):
        json.loads(call("request", CTX))
    start = time.perf_counter()
    for _ in range(calls):
        json.loads(call("request", CTX))
        json.loads(call("response", CTX))
    return (time.perf_counter() - start) / calls * 1e6


def stopped(run: Callable[[], Any]) -> str:
    """How `run` ended: the engine's exception, within how long."""
    start = time.perf_counter()
    try:
        run()
    except Exception as error:  # each engine raises its own class
        first = str(error).strip().splitlines()[0][:40] if str(error).strip() else ""
        return f"{type(error).__name__} {first} ({time.perf_counter() - start:.2f} s)"
    return "not stopped"


def figures(
    imported: float,
    make: Callable[[], Any],
    caller: Callable[[Any], Callable[[str, str], Any]],
    calls: int,
) -> dict[str, Any]:
    """Startup, per-call cost and memory per context of an engine whose contexts `make` makes
    (each with the resolver compiled) and whose `caller(context)` calls its handlers."""
    start = time.perf_counter()
    first = make()
    startup = time.perf_counter() - start
    micros = per_call(caller(first), calls)
    before = rss_bytes()
    kept = [make() for _ in range(CONTEXTS)]
    memory = (rss_bytes() - before) / len(kept)
    return {
        "import_s": imported,
        "startup_ms": startup * 1e3,
        "call_us": micros,
        "memory_kib": memory / 1024,
    }


def measure_quickjs(calls: int) -> dict[str, Any]:
    started = time.perf_counter()
    import quickjs

    imported = time.perf_counter() - started

    def make() -> Any:
        context = quickjs.Context()
        context.add_callable("__py", python_util)
        context.eval(PY_UTIL)
        context.eval(RESOLVER_SCRIPT)
        return context

    measured = figures(imported, make, lambda context: context.get("__call"), calls)
    limited = quickjs.Context()
    limited.set_time_limit(0.1)
    runaway = stopped(lambda: limited.eval(RUNAWAY))
    # The time limit and Python callbacks exclude each other in this binding.
    limited.add_callable("__py", python_util)
    runaway += "; with it set, " + stopped(lambda: limited.eval("__py('toMapValues', '{}')"))
    limited = quickjs.Context()
    limited.set_memory_limit(32 * 1024 * 1024)
    allocation = stopped(lambda: limited.eval(ALLOCATE))
    return {
        **measured,
        "es_modules": _quickjs_modules(),
        "python_callback": "sync, JSON in/out",
        "time_limit": runaway,
        "memory_limit": allocation,
    }


def _quickjs_modules() -> str:
    """Whether `Context.module` evaluates the resolver's module form, and resolves its import."""
    import quickjs

    context = quickjs.Context()
    context.module("export function request(ctx) { return ctx; }")
    try:
        context.module(RESOLVER_MODULE)
    except quickjs.JSException as error:
        return f"yes, without a loader: {str(error).splitlines()[0]}"
    return "yes, imports resolved"


def measure_mini_racer(calls: int) -> dict[str, Any]:
    started = time.perf_counter()
    from py_mini_racer import MiniRacer

    imported = time.perf_counter() - started

    def make() -> Any:
        racer = MiniRacer()
        # Python callbacks are async (a Promise in JavaScript): util runs in JavaScript.
        racer.eval(JS_UTIL)
        racer.eval(RESOLVER_SCRIPT)
        return racer

    measured = figures(imported, make, lambda racer: racer.eval("__call"), calls)
    runaway = stopped(lambda: MiniRacer().eval(RUNAWAY, timeout_sec=0.1))
    allocation = stopped(lambda: MiniRacer().eval(ALLOCATE, max_memory=32 * 1024 * 1024))
    return {
        **measured,
        "es_modules": "no (scripts only)",
        "python_callback": "async only (Promise)",
        "time_limit": runaway,
        "memory_limit": allocation,
    }


def measure_pythonmonkey(calls: int) -> dict[str, Any]:
    started = time.perf_counter()
    import pythonmonkey

    imported = time.perf_counter() - started

    def make() -> Any:
        # One SpiderMonkey realm per process: a "context" is one more copy of the resolver in it.
        factory = pythonmonkey.eval(
            "(function (__py) {"
            + PY_UTIL.replace("globalThis.util", "const util")
            + RESOLVER_SCRIPT.replace("globalThis.__call =", "return")
            + "})"
        )
        return factory(lambda name, text: python_util(str(name), str(text)))

    measured = figures(imported, make, lambda call: lambda name, text: str(call(name, text)), calls)
    return {
        **measured,
        "es_modules": "no (eval is a script; require() is CommonJS)",
        "python_callback": "sync, objects proxied",
        # No interrupt or heap-limit API: a runaway loop would hang this process for good.
        "time_limit": "none (no interrupt API)",
        "memory_limit": "none (no heap limit API)",
    }


MEASURES: dict[str, Callable[[int], dict[str, Any]]] = {
    "quickjs": measure_quickjs,
    "mini-racer": measure_mini_racer,
    "pythonmonkey": measure_pythonmonkey,
}
PACKAGES = {"quickjs": "quickjs-ng", "mini-racer": "mini-racer", "pythonmonkey": "pythonmonkey"}


def run_one(engine: str, calls: int) -> dict[str, Any] | None:
    """One subprocess run of one engine; None when its package is not installed."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.js_engines", "--engine", engine, "--calls", str(calls)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        tail = completed.stderr.strip().splitlines()[-1:] or ["no output"]
        print(f"  {engine}: {tail[0]}")
        return None
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def spread(values: list[float], digits: int) -> str:
    low, high = min(values), max(values)
    return (
        f"{low:.{digits}f}"
        if round(low, digits) == round(high, digits)
        else (f"{low:.{digits}f}-{high:.{digits}f}")
    )


def report(results: dict[str, list[dict[str, Any]]]) -> None:
    figures = (
        ("import_s", "import (s)", 2),
        ("startup_ms", "startup (ms)", 2),
        ("call_us", "request + response (us)", 1),
        ("memory_kib", "memory per context (KiB)", 0),
    )
    chosen = results.get(CHOSEN)
    for key, label, digits in figures:
        print(f"\n{label}")
        for engine, runs in results.items():
            values = [run[key] for run in runs]
            line = f"  {engine:<13} {spread(values, digits):>16}"
            if chosen and engine != CHOSEN:
                base = sorted(run[key] for run in chosen)[len(chosen) // 2]
                middle = sorted(values)[len(values) // 2]
                line += f"   {middle / base:6.1f}x {CHOSEN}" if base else ""
            print(line)
    for key in ("es_modules", "python_callback", "time_limit", "memory_limit"):
        print(f"\n{key.replace('_', ' ')}")
        for engine, runs in results.items():
            print(f"  {engine:<13} {runs[-1][key]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=ENGINES, help="measure one engine (internal)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--calls", type=int, default=3000)
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(MEASURES[args.engine](args.calls)), flush=True)
        # Skip interpreter teardown: mini-racer's finalizer waits for the isolate that the
        # runaway loop left terminating, and hangs the subprocess for good.
        os._exit(0)
    results: dict[str, list[dict[str, Any]]] = {}
    for engine in ENGINES:
        print(f"measuring {engine} ({PACKAGES[engine]}), {args.runs} runs")
        runs = [run_one(engine, args.calls) for _ in range(args.runs)]
        kept = [run for run in runs if run is not None]
        if kept:
            results[engine] = kept
    report(results)


if __name__ == "__main__":
    main()
