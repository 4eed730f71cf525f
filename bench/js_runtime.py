"""APPSYNC_JS resolvers against the same resolvers in PYTHON, through the runtime objects.

    .venv/bin/python -m bench.js_runtime [--seconds 2] [--rounds 5]

No server: each side is a `UnitResolver` (or `PipelineResolver`) over the NONE data source, its
`resolve(ctx)` awaited back to back, the two sides interleaved in rounds so that the machine's
load weighs on both alike. Printed per line: resolves per CPU second (median of the rounds) and
the ratio to PYTHON. The lines:

- unit: a one-field resolver, `request` returns `{payload: {id, title}}` from `ctx.args`, the
  `response` returns `ctx.result`;
- unit + util: the same with `util.autoId()` and `util.time.nowISO8601()` in the payload (two
  calls into the shared Python helpers);
- pipeline: three functions, each adding to `ctx.stash` and passing `ctx.prev.result` on, with
  a before and an after handler.

Then the memory of an idle JS context (a `JsRuntime` with one resolver loaded), measured over
50 of them. The server-level figures (issue 14's 0.7x and 0.5x targets through /graphql) are
bench/http.py's.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.js_engines import rss_bytes
from resolvers.context import RequestInfo, ResolverContext, ResolverInfo
from resolvers.datasources.none import NoneDataSource
from resolvers.pipeline import PipelineFunction, PipelineResolver
from resolvers.runtimes.base import ResolverCode
from resolvers.runtimes.js.code import compile_js_code
from resolvers.runtimes.js.engine import JsRuntime
from resolvers.runtimes.python import load_python_code
from resolvers.unit import UnitResolver

JS_UNIT = """
export function request(ctx) {
  return { payload: { id: ctx.args.id, title: 'Hello' } };
}
export function response(ctx) {
  return ctx.result;
}
"""
PY_UNIT = """
def request(ctx):
    return {"payload": {"id": ctx.args["id"], "title": "Hello"}}

def response(ctx):
    return ctx.result
"""
JS_UTIL = """
import { util } from '@aws-appsync/utils';
export function request(ctx) {
  return { payload: { id: util.autoId(), at: util.time.nowISO8601(), title: ctx.args.id } };
}
export function response(ctx) {
  return ctx.result;
}
"""
PY_UTIL = """
def request(ctx):
    return {"payload": {"id": util.autoId(), "at": util.time.nowISO8601(), "title": ctx.args["id"]}}

def response(ctx):
    return ctx.result
"""
JS_STEP = """
export function request(ctx) {
  ctx.stash.steps = [...(ctx.stash.steps ?? []), ctx.prev.result];
  return { payload: { step: (ctx.prev.result?.step ?? 0) + 1 } };
}
export function response(ctx) {
  return ctx.result;
}
"""
PY_STEP = """
def request(ctx):
    ctx.stash["steps"] = [*ctx.stash.get("steps", []), ctx.prev.result]
    previous = ctx.prev.result or {}
    return {"payload": {"step": previous.get("step", 0) + 1}}

def response(ctx):
    return ctx.result
"""
JS_AROUND = """
export function request(ctx) { return {}; }
export function response(ctx) { return ctx.prev.result; }
"""
PY_AROUND = """
def request(ctx):
    return {}

def response(ctx):
    return ctx.prev.result
"""

Resolve = Callable[[ResolverContext], Awaitable[Any]]


def context() -> ResolverContext:
    return ResolverContext(
        arguments={"id": "post-1"},
        source=None,
        identity=None,
        info=ResolverInfo("getPost", "Query", {}, ["id", "title"], "{ id title }"),
        request=RequestInfo({"x-api-key": "da2-key"}),
    )


class Loader:
    """Both runtimes' code from source text: JS into one runtime, PYTHON through files."""

    def __init__(self, folder: Path) -> None:
        self.runtime = JsRuntime()
        self.folder = folder
        self.count = 0

    def js(self, source: str) -> ResolverCode:
        self.count += 1
        return compile_js_code(f"bench{self.count}.js", source, self.runtime)

    def python(self, source: str) -> ResolverCode:
        self.count += 1
        path = self.folder / f"bench{self.count}.py"
        path.write_text(source, encoding="utf-8")
        return load_python_code(path)


def pipeline(load: Callable[[str], ResolverCode], step: str, around: str) -> Resolve:
    none = NoneDataSource("none")
    functions = [PipelineFunction(f"f{i}", load(step), none) for i in range(3)]
    return PipelineResolver(load(around), functions).resolve


async def rate(resolve: Resolve, seconds: float) -> float:
    """Resolves per second of this process's CPU time (the machine may be shared: CPU time is
    what other processes' load disturbs least), each on a fresh context, for `seconds`."""
    count = 0
    start = time.process_time()
    deadline = start + seconds
    while True:
        for _ in range(100):
            await resolve(context())
        count += 100
        now = time.process_time()
        if now >= deadline:
            return count / (now - start)


def idle_context_kib() -> float:
    before = rss_bytes()
    kept = []
    for _ in range(50):
        runtime = JsRuntime()
        compile_js_code("idle.js", JS_UNIT, runtime)
        kept.append(runtime)
    return (rss_bytes() - before) / len(kept) / 1024


async def main(seconds: float, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        load = Loader(Path(folder))
        none = NoneDataSource("none")
        lines: list[tuple[str, Resolve, Resolve]] = [
            (
                "unit",
                UnitResolver(load.python(PY_UNIT), none).resolve,
                UnitResolver(load.js(JS_UNIT), none).resolve,
            ),
            (
                "unit + util",
                UnitResolver(load.python(PY_UTIL), none).resolve,
                UnitResolver(load.js(JS_UTIL), none).resolve,
            ),
            (
                "pipeline of 3",
                pipeline(load.python, PY_STEP, PY_AROUND),
                pipeline(load.js, JS_STEP, JS_AROUND),
            ),
        ]
        for name, python, javascript in lines:
            assert await python(context()) == await javascript(context()) or name != "unit"
            python_rates, js_rates = [], []
            for _ in range(rounds):
                python_rates.append(await rate(python, seconds / 2))
                js_rates.append(await rate(javascript, seconds / 2))
            py_median = statistics.median(python_rates)
            js_median = statistics.median(js_rates)
            print(
                f"{name:<14} PYTHON {py_median:9.0f}/s   JS {js_median:9.0f}/s   "
                f"JS/PYTHON {js_median / py_median:5.2f}x   "
                f"(JS per resolve {1e6 / js_median:6.1f} us, PYTHON {1e6 / py_median:6.1f} us)"
            )
    print(f"idle JS context with one resolver: {idle_context_kib():.0f} KiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.seconds, arguments.rounds))
