"""The Amplify AppSync simulator, the peer of the benches: installed from the npm registry,
started on a free loopback port, stopped.

    from bench.simulator.peer import BLOG, amplify_simulator, unavailable

    if (reason := unavailable()) is not None:
        print(f"simulator: skipped, {reason}")
    else:
        with amplify_simulator(BLOG) as simulator:
            ...  # simulator.graphql_url, simulator.realtime_url, simulator.api_key

The simulator is `@aws-amplify/amplify-appsync-simulator`, the package `amplify mock api` runs
(the Amplify CLI's `amplify-util-mock` builds an `AmplifyAppSyncSimulator`, `init(config)`,
`start()`), pinned with its whole dependency tree in `package.json` and `package-lock.json`
beside this file. `install()` runs `npm ci` once into `.venv/appsync-simulator` (ignored by
git; again only when the lock changes), as `scripts/node-deps` installs the AWS SDK.
`bench/simulator/serve.js` serves one API on one port: GraphQL on `/graphql`, the realtime
websockets on `/graphql/realtime`.

An API is given in the simulator's own terms (`SimulatorApi`): a schema, an API key (the only
authorization mode here) and unit resolvers on one NONE data source, with VTL request and
response templates; the simulator runs neither PYTHON nor APPSYNC_JS resolvers nor our local
Lambda functions. `BLOG` is the bundled example's schema with a NONE resolver on each field the
example resolves (`Query.echo` answers exactly as the example's; the others return fixed
objects of the right shape), so a bench can send both servers the same documents.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.processes import free_port

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
INSTALL = ROOT / ".venv" / "appsync-simulator"
SERVE = HERE / "serve.js"
DATA_SOURCE = "Local"
# A first `start` takes Node's start, the simulator's requires and its schema build: seconds.
START_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class SimulatorResolver:
    """A unit resolver on the NONE data source: VTL templates, as AppSync's API model has them."""

    type_name: str
    field_name: str
    request: str
    response: str = "$util.toJson($ctx.result)"


@dataclass(frozen=True, slots=True)
class SimulatorApi:
    name: str
    schema: str
    api_key: str
    resolvers: tuple[SimulatorResolver, ...]

    def config(self) -> dict[str, Any]:
        """The simulator's `AmplifyAppSyncSimulatorConfig` for this API. Templates go by path
        (`mappingTemplates`), as `amplify mock` passes them, so the simulator parses each once
        at `init` rather than once per request as it does inline templates."""
        templates: list[dict[str, str]] = []
        resolvers: list[dict[str, str]] = []
        for resolver in self.resolvers:
            stem = f"resolvers/{resolver.type_name}.{resolver.field_name}"
            templates.append({"path": f"{stem}.req.vtl", "content": resolver.request})
            templates.append({"path": f"{stem}.res.vtl", "content": resolver.response})
            resolvers.append(
                {
                    "kind": "UNIT",
                    "typeName": resolver.type_name,
                    "fieldName": resolver.field_name,
                    "dataSourceName": DATA_SOURCE,
                    "requestMappingTemplateLocation": f"{stem}.req.vtl",
                    "responseMappingTemplateLocation": f"{stem}.res.vtl",
                }
            )
        return {
            "schema": {"path": "schema.graphql", "content": self.schema},
            "dataSources": [{"name": DATA_SOURCE, "type": "NONE"}],
            "mappingTemplates": templates,
            "resolvers": resolvers,
            "appSync": {
                "name": self.name,
                "apiKey": self.api_key,
                "defaultAuthenticationType": {"authenticationType": "API_KEY"},
                "additionalAuthenticationProviders": [],
            },
        }


@dataclass(frozen=True, slots=True)
class SimulatorEndpoint:
    graphql_url: str
    realtime_url: str
    api_key: str
    pid: int


def _payload(fields: str) -> str:
    return '{"version": "2018-05-29", "payload": ' + fields + "}"


_POST = (
    '{"id": "$ctx.args.id", "title": "Hello", "content": "First post", "authorId": "a1",'
    ' "tags": [], "publishedAt": "2024-01-01T00:00:00Z", "comments": [], "likes": 0}'
)
_AUTHOR = '{"id": "$ctx.args.id", "name": "Ada", "posts": []}'
BLOG = SimulatorApi(
    name="blog",
    schema=(ROOT / "examples" / "blog" / "schema.graphql").read_text(),
    # The example's own key (examples/blog/appsync.yaml), so clients send both servers the same.
    api_key="da2-localblogexamplekey00000",
    resolvers=(
        SimulatorResolver("Query", "echo", _payload("$util.toJson($ctx.args.message)")),
        SimulatorResolver("Query", "getPost", _payload(_POST)),
        SimulatorResolver("Query", "listPosts", _payload("[]")),
        SimulatorResolver("Query", "getAuthor", _payload(_AUTHOR)),
        SimulatorResolver("Post", "comments", _payload("[]")),
        SimulatorResolver("Post", "author", _payload('{"id": "a1", "name": "Ada", "posts": []}')),
        SimulatorResolver("Post", "likes", _payload("0")),
        SimulatorResolver("Author", "posts", _payload("[]")),
        SimulatorResolver(
            "Mutation",
            "createPost",
            _payload(
                '{"id": "$util.autoId()", "title": $util.toJson($ctx.args.input.title),'
                ' "content": $util.toJson($ctx.args.input.content),'
                ' "authorId": $util.toJson($ctx.args.input.authorId), "tags": [],'
                ' "publishedAt": "$util.time.nowISO8601()", "comments": [], "likes": 0}'
            ),
        ),
        SimulatorResolver(
            "Mutation",
            "addComment",
            _payload(
                '{"id": "$util.autoId()", "postId": $util.toJson($ctx.args.postId),'
                ' "author": $util.toJson($ctx.args.author),'
                ' "content": $util.toJson($ctx.args.content),'
                ' "createdAt": $util.time.nowEpochSeconds()}'
            ),
        ),
        SimulatorResolver("Mutation", "likePost", _payload("1")),
    ),
)


def unavailable() -> str | None:
    """Why the simulator cannot run here (no Node.js or npm on the PATH), or None."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        return f"{' and '.join(missing)} not on the PATH (scripts/system-deps installs Node.js)"
    return None


def install() -> Path:
    """`npm ci` of the pinned simulator into `.venv/appsync-simulator`, once per lock file:
    the folder's `node_modules`, for `NODE_PATH`."""
    sources = [HERE / "package.json", HERE / "package-lock.json"]
    want = hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()
    stamp = INSTALL / ".installed"
    if stamp.exists() and stamp.read_text() == want:
        return INSTALL / "node_modules"
    reason = unavailable()
    if reason is not None:
        raise RuntimeError(f"the Amplify AppSync simulator cannot be installed: {reason}")
    print(f"installing the Amplify AppSync simulator into {INSTALL} (npm ci, once)", flush=True)
    shutil.rmtree(INSTALL, ignore_errors=True)
    INSTALL.mkdir(parents=True)
    for path in sources:
        shutil.copy(path, INSTALL / path.name)
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=INSTALL, check=True
    )
    stamp.write_text(want)
    return INSTALL / "node_modules"


def command(api: SimulatorApi, folder: Path, port: int) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that serve `api` on `port` (its config written into
    `folder`): for a bench that starts the process itself. `install()` first."""
    config = folder / "simulator.json"
    config.write_text(json.dumps(api.config()))
    env = dict(os.environ, NODE_PATH=str(INSTALL / "node_modules"))
    return [str(shutil.which("node")), str(SERVE), str(config), str(port)], env


def answers(graphql_url: str, api_key: str, client: httpx.Client) -> bool:
    """Whether the server at `graphql_url` answers `{ __typename }` with data."""
    try:
        response = client.post(
            graphql_url, json={"query": "{ __typename }"}, headers={"x-api-key": api_key}
        )
    except httpx.TransportError:
        return False
    return response.status_code == 200 and "data" in response.json()


def _wait_until_answering(endpoint: SimulatorEndpoint, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the simulator exited with status {process.returncode}")
            if answers(endpoint.graphql_url, endpoint.api_key, client):
                return
            time.sleep(0.05)
    raise RuntimeError(f"the simulator did not answer within {START_TIMEOUT:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def amplify_simulator(api: SimulatorApi = BLOG) -> Iterator[SimulatorEndpoint]:
    """The simulator serving `api` on a free loopback port, answering queries, until the block
    ends. Installs it first if needed (`install`)."""
    install()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="appsync-simulator-") as folder:
        argv, env = command(api, Path(folder), port)
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
        try:
            endpoint = SimulatorEndpoint(
                graphql_url=f"http://127.0.0.1:{port}/graphql",
                realtime_url=f"ws://127.0.0.1:{port}/graphql/realtime",
                api_key=api.api_key,
                pid=process.pid,
            )
            _wait_until_answering(endpoint, process)
            yield endpoint
        finally:
            stop(process)


def main() -> None:
    """`python -m bench.simulator.peer`: install, start, answer the example's echo query, stop."""
    reason = unavailable()
    if reason is not None:
        print(f"the Amplify AppSync simulator: skipped, {reason}")
        return
    with amplify_simulator(BLOG) as simulator, httpx.Client() as client:
        response = client.post(
            simulator.graphql_url,
            json={"query": 'query { echo(message: "hello") }'},
            headers={"x-api-key": simulator.api_key},
        )
        print(f"GraphQL:  {simulator.graphql_url}")
        print(f"realtime: {simulator.realtime_url}")
        print(f"API key:  {simulator.api_key}")
        print(f"echo:     {response.json()}")


if __name__ == "__main__":
    main()
