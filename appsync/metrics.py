"""AppSync's and Step Functions' CloudWatch metrics, served on `/metrics` in Prometheus' text
format by the Prometheus client library.

The names are AWS's own, after a namespace prefix (`appsync_`, `states_`), as Prometheus names
may not start with a digit: AppSync's `4XXError`, `5XXError`, `Latency`, `Requests` and the
realtime ones (`ConnectRequests`, `ConnectSuccess`, `ConnectClientError`, `DisconnectSuccess`,
`SubscribeSuccess`, `SubscribeClientError`, `UnsubscribeSuccess`, `PublishDataMessageSuccess`,
`PublishDataMessageSize`, `ActiveConnections`, `ActiveSubscriptions`, `ConnectionDuration`,
`InvalidationSuccess`), all with AppSync's `GraphQLAPIId` dimension as a label ("Using CloudWatch
to monitor and log GraphQL API data", https://docs.aws.amazon.com/appsync/latest/devguide/
monitoring.html, "CloudWatch metrics"); and Step Functions' execution metrics
(`ExecutionsStarted`, `ExecutionsSucceeded`, `ExecutionsFailed`, `ExecutionsAborted`,
`ExecutionsTimedOut`, `ExecutionTime`) with its `StateMachineArn` dimension ("Monitoring Step
Functions metrics using Amazon CloudWatch", https://docs.aws.amazon.com/step-functions/latest/dg/
procedure-cw-metrics.html). Counters gain Prometheus' `_total` suffix; `Latency`,
`ConnectionDuration` and `ExecutionTime` are histograms in milliseconds (AWS's unit), and
`PublishDataMessageSize` one in bytes. With an API cache, `CacheHit` / `CacheMiss` count per
resolver (AppSync's enhanced metrics, `Resolver` dimension).

Where AWS reports per-minute statistics, these are running totals a scraper turns into rates;
`ActiveConnections` and `ActiveSubscriptions` are the current counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

if TYPE_CHECKING:
    # The engine's records are imported when the engine is: not for the metrics' annotations.
    from stepfunctions.records.execution import Execution

CONTENT_TYPE = CONTENT_TYPE_LATEST
_MILLISECONDS = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000)
_DURATION_MS = (*_MILLISECONDS, 60_000, 300_000, 3_600_000)
_BYTES = (64, 256, 1024, 4096, 16384, 65536, 245760)
_API = ("GraphQLAPIId",)


class ApiMetrics:
    """One API's metrics, in a registry of its own (two servers in one process stay apart)."""

    def __init__(self, api_id: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry

        def counter(name: str, text: str) -> Counter:
            return Counter(f"appsync_{name}", text, _API, registry=registry)

        self.requests = counter("Requests", "Requests (queries and mutations)").labels(api_id)
        self.client_errors = counter("4XXError", "Requests refused, HTTP 4XX").labels(api_id)
        self.server_errors = counter("5XXError", "Requests failed, HTTP 5XX").labels(api_id)
        self.latency = Histogram(
            "appsync_Latency",
            "From receiving a request to answering it, in milliseconds",
            _API,
            buckets=_MILLISECONDS,
            registry=registry,
        ).labels(api_id)
        self.connect_requests = counter("ConnectRequests", "Websocket connection requests").labels(
            api_id
        )
        self.connect_success = counter("ConnectSuccess", "Websocket connections acked").labels(
            api_id
        )
        self.connect_client_error = counter(
            "ConnectClientError", "Websocket connections refused for the client's fault"
        ).labels(api_id)
        self.disconnect_success = counter("DisconnectSuccess", "Websocket disconnections").labels(
            api_id
        )
        self.subscribe_success = counter("SubscribeSuccess", "Subscriptions registered").labels(
            api_id
        )
        self.subscribe_client_error = counter(
            "SubscribeClientError", "Subscriptions refused for the client's fault"
        ).labels(api_id)
        self.unsubscribe_success = counter("UnsubscribeSuccess", "Subscriptions stopped").labels(
            api_id
        )
        self.publish_success = counter(
            "PublishDataMessageSuccess", "Subscription data messages sent"
        ).labels(api_id)
        self.invalidation_success = counter(
            "InvalidationSuccess", "Subscriptions ended by invalidateSubscriptions"
        ).labels(api_id)
        self.publish_size = Histogram(
            "appsync_PublishDataMessageSize",
            "Size of subscription data messages sent, in bytes",
            _API,
            buckets=_BYTES,
            registry=registry,
        ).labels(api_id)
        self.active_connections = Gauge(
            "appsync_ActiveConnections",
            "Open acknowledged websocket connections",
            _API,
            registry=registry,
        ).labels(api_id)
        self.active_subscriptions = Gauge(
            "appsync_ActiveSubscriptions", "Registered subscriptions", _API, registry=registry
        ).labels(api_id)
        self.connection_duration = Histogram(
            "appsync_ConnectionDuration",
            "How long acknowledged connections stayed open, in milliseconds",
            _API,
            buckets=_DURATION_MS,
            registry=registry,
        ).labels(api_id)
        resolver = ("GraphQLAPIId", "Resolver")
        self._cache_hit = Counter(
            "appsync_CacheHit", "API cache hits per resolver", resolver, registry=registry
        )
        self._cache_miss = Counter(
            "appsync_CacheMiss", "API cache misses per resolver", resolver, registry=registry
        )
        self._api_id = api_id
        self.executions = ExecutionMetrics(registry)

    def request(self, status: int, seconds: float) -> None:
        """One /graphql request answered with `status` after `seconds`."""
        self.requests.inc()
        if status >= 500:
            self.server_errors.inc()
        elif status >= 400:
            self.client_errors.inc()
        self.latency.observe(seconds * 1000)

    def published(self, sizes: Mapping[int, int]) -> None:
        """Data frames sent: how many of each size in bytes. Counted by size rather than one
        by one: a fan-out sends each size thousands of times, and two metric updates per
        frame were a sixth of the server's CPU in a delivery to 10,000 (py-spy)."""
        for size, count in sizes.items():
            self.publish_success.inc(count)
            _observe_many(self.publish_size, size, count)

    def cache(self, resolver: str, hit: bool) -> None:
        (self._cache_hit if hit else self._cache_miss).labels(self._api_id, resolver).inc()

    def exposition(self) -> bytes:
        """The registry in Prometheus' text format."""
        return generate_latest(self.registry)


class ExecutionMetrics:
    """Step Functions' execution metrics (the engine's `ExecutionObserver`)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        labels = ("StateMachineArn",)

        def counter(name: str, text: str) -> Counter:
            return Counter(f"states_{name}", text, labels, registry=registry)

        self._started = counter("ExecutionsStarted", "Executions started")
        self._ended = {
            "SUCCEEDED": counter("ExecutionsSucceeded", "Executions that succeeded"),
            "FAILED": counter("ExecutionsFailed", "Executions that failed"),
            "ABORTED": counter("ExecutionsAborted", "Executions aborted"),
            "TIMED_OUT": counter("ExecutionsTimedOut", "Executions that timed out"),
        }
        self._time = Histogram(
            "states_ExecutionTime",
            "From an execution's start to its end, in milliseconds",
            labels,
            buckets=_DURATION_MS,
            registry=registry,
        )

    def started(self, execution: Execution) -> None:
        self._started.labels(execution.state_machine_arn).inc()

    def finished(self, execution: Execution) -> None:
        ended = self._ended.get(execution.status.value)
        if ended is None:
            return
        arn = execution.state_machine_arn
        ended.labels(arn).inc()
        if execution.stop_date is not None:
            seconds = (execution.stop_date - execution.start_date).total_seconds()
            self._time.labels(arn).observe(seconds * 1000)


def metrics_route(metrics: ApiMetrics) -> Route:
    """`GET /metrics`, in Prometheus' text format. It holds counts, durations and sizes labelled
    with the API's id, resolver names and state machine ARNs, never a request's content or a
    credential, so it answers without credentials (README, Security model)."""

    async def endpoint(request: Request) -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE)

    return Route("/metrics", endpoint, methods=["GET"])


def _observe_many(histogram: Histogram, amount: float, count: int) -> None:
    """`count` observations of `amount` in one update of the histogram's sum and bucket: the
    samples `count` calls of `observe` leave (prometheus_client's `observe`, whose attributes
    this reads; test_metrics compares the two), or those calls where the client has none."""
    bounds = getattr(histogram, "_upper_bounds", None)
    buckets = getattr(histogram, "_buckets", None)
    total = getattr(histogram, "_sum", None)
    if bounds is None or buckets is None or total is None:
        for _ in range(count):
            histogram.observe(amount)
        return
    total.inc(amount * count)
    for index, bound in enumerate(bounds):
        if amount <= bound:
            buckets[index].inc(count)
            return
