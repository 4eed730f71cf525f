"""AppSync's and Step Functions' CloudWatch metric names in Prometheus' text format, read back
with the Prometheus client's parser: statuses split into 4XXError / 5XXError as AppSync counts
them (https://docs.aws.amazon.com/appsync/latest/devguide/monitoring.html), executions counted
by how they end (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prometheus_client.parser import text_string_to_metric_families

from appsync.metrics import ApiMetrics
from stepfunctions.language.parse import parse_definition
from stepfunctions.records.execution import Execution, ExecutionStatus

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:m"


def _samples(metrics: ApiMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = metrics.exposition().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_statuses_count_as_requests_and_their_error_class() -> None:
    metrics = ApiMetrics("apiid")
    for status in (200, 200, 400, 401, 500):
        metrics.request(status, 0.002)
    samples = _samples(metrics)
    api = (("GraphQLAPIId", "apiid"),)
    assert samples[("appsync_Requests_total", api)] == 5
    assert samples[("appsync_4XXError_total", api)] == 2
    assert samples[("appsync_5XXError_total", api)] == 1
    assert samples[("appsync_Latency_count", api)] == 5
    assert samples[("appsync_Latency_sum", api)] == 5 * 2.0
    # Within the 2 ms bucket, in milliseconds as AppSync's unit.
    assert samples[("appsync_Latency_bucket", (*api, ("le", "2.0")))] == 5


def test_cache_hits_and_misses_count_per_resolver() -> None:
    metrics = ApiMetrics("apiid")
    metrics.cache("Query.getPost", hit=False)
    metrics.cache("Query.getPost", hit=True)
    metrics.cache("Query.getPost", hit=True)
    samples = _samples(metrics)
    labels = (("GraphQLAPIId", "apiid"), ("Resolver", "Query.getPost"))
    assert samples[("appsync_CacheHit_total", labels)] == 2
    assert samples[("appsync_CacheMiss_total", labels)] == 1


def test_executions_count_by_how_they_end_with_their_time() -> None:
    metrics = ApiMetrics("apiid")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    definition = parse_definition(
        '{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}'
    )
    for status in (ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED):
        execution = Execution(
            "arn:x", "x", MACHINE, "m", definition, "role", "{}", "STANDARD", start
        )
        metrics.executions.started(execution)
        execution.status = status
        execution.stop_date = start + timedelta(milliseconds=250)
        metrics.executions.finished(execution)
    samples = _samples(metrics)
    machine = (("StateMachineArn", MACHINE),)
    assert samples[("states_ExecutionsStarted_total", machine)] == 2
    assert samples[("states_ExecutionsSucceeded_total", machine)] == 1
    assert samples[("states_ExecutionsFailed_total", machine)] == 1
    assert samples[("states_ExecutionTime_sum", machine)] == 500


def _publish_samples(metrics: ApiMetrics) -> dict[tuple[str, str], float]:
    """The data-frame metrics' samples (but their creation times), by name and bucket."""
    return {
        (sample.name, sample.labels.get("le", "")): sample.value
        for family in text_string_to_metric_families(metrics.exposition().decode())
        for sample in family.samples
        if sample.name.startswith("appsync_PublishDataMessage")
        and not sample.name.endswith("_created")
    }


def test_frames_counted_by_size_leave_the_samples_of_one_count_each() -> None:
    """`published` counts data frames by size (a fan-out sends each size thousands of times):
    the samples are those `inc` and `observe` per frame leave, buckets, sum and count."""
    by_size, one_by_one = ApiMetrics("api"), ApiMetrics("api")
    sizes = {90: 3, 1_000: 2, 300_000: 1}
    by_size.published(sizes)
    for size, count in sizes.items():
        for _ in range(count):
            one_by_one.publish_success.inc()
            one_by_one.publish_size.observe(size)
    samples = _publish_samples(by_size)
    assert samples == _publish_samples(one_by_one)
    assert samples[("appsync_PublishDataMessageSuccess_total", "")] == 6
    assert samples[("appsync_PublishDataMessageSize_sum", "")] == 90 * 3 + 1_000 * 2 + 300_000
    assert samples[("appsync_PublishDataMessageSize_count", "")] == 6
