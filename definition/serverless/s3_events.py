"""A service's `s3` function events compiled as the Serverless Framework compiles them (v3,
`lib/plugins/aws/package/compile/events/s3/index.js`, `newS3Buckets`): each bucket an event
names becomes an `AWS::S3::Bucket` under `naming.getBucketLogicalId` (`S3Bucket` and the
name's letters and digits, the first upper-cased) with `BucketName` the name (a
`provider.s3.<ref>` entry's `name`, its other keys as the bucket's properties, upper-first)
and a `NotificationConfiguration.LambdaConfigurations` item per event: `Event` (default
`s3:ObjectCreated:*`), `Function` the function's ARN, and `Filter.S3Key.Rules` from `rules`
(`[{prefix: ...}, {suffix: ...}]`). The template reader then sends the bucket's events
(`definition.cloudformation.s3_notifications`).

An event of an `existing: true` bucket is the framework's `Custom::S3` resource, which sets
the notification on a bucket outside the stack: it is accepted with a notice, and nothing is
sent locally.
"""

from __future__ import annotations

import re
from typing import Any

from definition.serverless.compiler import Compiled, PluginReader, lambda_logical_id

_DEFAULT_EVENT = "s3:ObjectCreated:*"


def compile_s3_events(
    reader: PluginReader,
    functions: dict[str, Any],
    provider: dict[str, Any],
    out: Compiled,
    path: str = "functions",
) -> None:
    """The buckets of the functions' `s3` events, added to `out` (an existing bucket's event is
    noticed)."""
    found_s3 = provider.get("s3")
    provider_s3: dict[str, Any] = found_s3 if isinstance(found_s3, dict) else {}
    configurations: dict[str, list[dict[str, Any]]] = {}
    refs: dict[str, str] = {}
    where_of: dict[str, str] = {}
    for key, raw in functions.items():
        events = raw.get("events") if isinstance(raw, dict) else None
        found = [
            (index, event["s3"])
            for index, event in enumerate(events if isinstance(events, list) else [])
            if isinstance(event, dict) and "s3" in event
        ]
        if not found:
            continue
        for index, event in found:
            where = f"{path}.{key}.events[{index}].s3"
            settings = event if isinstance(event, dict) else {}
            if settings.get("existing"):
                reader.notice(
                    where,
                    "accepted; an existing bucket's notification (the framework's Custom::S3) "
                    "is not set locally",
                )
                continue
            ref = settings.get("bucket") if settings else event
            if not isinstance(ref, str) or not ref:
                reader.problem(where, "expected a bucket name (or `bucket:` with one)")
                continue
            entry = provider_s3.get(ref)
            name = entry.get("name") or ref if isinstance(entry, dict) else ref
            if isinstance(entry, dict):
                refs[name] = ref
            item: dict[str, Any] = {
                "Event": settings.get("event") or _DEFAULT_EVENT,
                "Function": {"Fn::GetAtt": [lambda_logical_id(key), "Arn"]},
            }
            rules = _rules(reader, settings.get("rules"), where)
            if rules:
                item["Filter"] = {"S3Key": {"Rules": rules}}
            configurations.setdefault(name, []).append(item)
            where_of.setdefault(name, where)
    for name, items in configurations.items():
        ref = refs.get(name)
        extra = provider_s3.get(ref) if ref is not None else None
        properties: dict[str, Any] = {
            key[:1].upper() + key[1:]: value
            for key, value in (extra.items() if isinstance(extra, dict) else [])
            if key != "name"
        }
        provided = properties.pop("NotificationConfiguration", None) or {}
        notification = {"LambdaConfigurations": items, **provided}
        logical_id = "S3Bucket" + _upper_first(re.sub(r"[^0-9A-Za-z]", "", ref or name))
        out.add(
            logical_id,
            "AWS::S3::Bucket",
            {"BucketName": name, "NotificationConfiguration": notification, **properties},
            where_of[name],
        )


def _rules(reader: PluginReader, raw: Any, where: str) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        reader.problem(f"{where}.rules", "expected a list of {prefix: ...} or {suffix: ...}")
        return []
    rules = []
    for index, rule in enumerate(raw):
        if not isinstance(rule, dict) or len(rule) != 1:
            reader.problem(f"{where}.rules[{index}]", "expected {prefix: ...} or {suffix: ...}")
            continue
        [(name, value)] = rule.items()
        rules.append({"Name": name, "Value": value})
    return rules


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
