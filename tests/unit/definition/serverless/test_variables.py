"""Serverless variables resolve offline as the framework resolves them (Serverless Framework v3,
docs/providers/aws/guide/variables.md): self-references, CLI options, the environment,
parameters, files, core and AWS variables, fallbacks; and each value that cannot be had offline
(SSM, another stack's outputs, code) is a problem naming its key, unless a fallback stands in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from definition.serverless.variables import Options, Resolver


def _resolved(
    tmp_path: Path, config: dict[str, Any], **options: Any
) -> tuple[dict[str, Any], list[str], list[str]]:
    resolver = Resolver(tmp_path / "serverless.yml", config, Options(**options))
    resolved = resolver.resolve()
    problems = [f"{problem.key_path}: {problem.message}" for problem in resolver.problems]
    notices = [f"{notice.key_path}: {notice.message}" for notice in resolver.notices]
    return resolved, problems, notices


def test_self_references_resolve_through_each_other(tmp_path: Path) -> None:
    config = {
        "service": "posts",
        "provider": {"name": "aws"},
        "custom": {
            # "Reference Properties In serverless.yml": any depth, cross-references.
            "serviceName": "${self:service}",
            "exportName": "${self:custom.serviceName}-export",
            "levels": {"default": "ALL", "prod": "ERROR"},
            "level": "${self:custom.levels.${sls:stage}, self:custom.levels.default}",
            "whole": "${self:custom.levels}",
        },
    }
    resolved, problems, _ = _resolved(tmp_path, config)
    assert problems == []
    assert resolved["custom"] == {
        "serviceName": "posts",
        "exportName": "posts-export",
        "levels": {"default": "ALL", "prod": "ERROR"},
        "level": "ALL",
        # A value that is one variable keeps the type it resolves to.
        "whole": {"default": "ALL", "prod": "ERROR"},
    }
    prod, _, _ = _resolved(tmp_path, config, stage="prod")
    assert prod["custom"]["level"] == "ERROR"


def test_stage_and_region_default_as_the_framework_sets_them(tmp_path: Path) -> None:
    # sls:stage is ${opt:stage, self:provider.stage, "dev"}; aws:region is
    # ${opt:region, self:provider.region, "us-east-1"}; the framework's Service sets
    # provider.stage to dev when the file leaves it out.
    config = {
        "service": "posts",
        "provider": {"name": "aws"},
        "custom": {
            "stage": "${opt:stage, self:provider.stage}",
            "sls": "${sls:stage}",
            "region": "${aws:region}",
            "account": "${aws:accountId}",
        },
    }
    resolved, problems, _ = _resolved(tmp_path, config)
    assert problems == []
    assert resolved["custom"] == {
        "stage": "dev",
        "sls": "dev",
        "region": "us-east-1",
        "account": "123456789012",
    }
    config["provider"] = {"name": "aws", "stage": "test", "region": "eu-west-1"}
    given, _, _ = _resolved(tmp_path, config, region="ap-south-1")
    assert given["custom"]["stage"] == "test"
    assert given["custom"]["region"] == "ap-south-1"


def test_options_environment_and_parameters(tmp_path: Path) -> None:
    config = {
        "service": "posts",
        "provider": {"name": "aws"},
        "params": {"default": {"domain": "example.test"}, "prod": {"domain": "prod.test"}},
        "custom": {
            "memory": "${opt:memory, 1024}",
            "role": "${opt:role, false}",
            "secret": "${env:SECRET}",
            "domain": "${param:domain}",
            "flexible": "${env:${opt:stage}_ARN, 'none'}",
            "bool": "${strToBool(${env:FLAG})}",
        },
    }
    resolved, problems, _ = _resolved(
        tmp_path,
        config,
        stage="prod",
        parameters={"memory": "512"},
        environment={"SECRET": "s3cr3t", "prod_ARN": "arn:prod", "FLAG": "TRUE"},
    )
    assert problems == []
    assert resolved["custom"] == {
        "memory": "512",
        "role": False,
        "secret": "s3cr3t",
        "domain": "prod.test",
        "flexible": "arn:prod",
        "bool": True,
    }


def test_files_are_read_beside_the_service_file(tmp_path: Path) -> None:
    # "Reference Properties in Other Files": a whole file, or one of its keys; the file's own
    # variables resolve against the service.
    (tmp_path / "config.dev.yml").write_text("table: ${self:service}-posts\nnested: {a: 1}\n")
    (tmp_path / "data.json").write_text('{"events": [{"schedule": "rate(1 minute)"}]}')
    config = {
        "service": "posts",
        "provider": {"name": "aws"},
        "custom": {
            "whole": "${file(./config.${sls:stage}.yml)}",
            "key": "${file(config.dev.yml):nested.a}",
            "json": "${file(./data.json):events}",
            "missing": "${file(./nope.yml), 'fallback'}",
        },
    }
    resolved, problems, _ = _resolved(tmp_path, config)
    assert problems == []
    assert resolved["custom"] == {
        "whole": {"table": "posts-posts", "nested": {"a": 1}},
        "key": 1,
        "json": [{"schedule": "rate(1 minute)"}],
        "missing": "fallback",
    }


def test_cloudformation_s_own_variables_are_left_for_fn_sub(tmp_path: Path) -> None:
    config = {
        "service": "posts",
        "provider": {"name": "aws"},
        "resources": {"Value": {"Fn::Sub": "arn:aws:s3:::${Bucket}-${AWS::Region}-${sls:stage}"}},
        "custom": {"id": "${appsync:id}", "key": "${appsync:apiKey.web-key}"},
    }
    resolved, problems, _ = _resolved(tmp_path, config)
    assert problems == []
    assert resolved["resources"]["Value"] == {
        "Fn::Sub": "arn:aws:s3:::${Bucket}-${AWS::Region}-dev"
    }
    # serverless-appsync-plugin's variables (README "Variables"): the API's own attributes.
    assert resolved["custom"] == {
        "id": {"Fn::GetAtt": ["GraphQlApi", "ApiId"]},
        "key": {"Fn::GetAtt": ["GraphQlApiwebkey", "ApiKey"]},
    }


def test_what_cannot_be_had_offline_is_a_problem_unless_a_fallback_stands_in(
    tmp_path: Path,
) -> None:
    (tmp_path / "config.js").write_text("module.exports = { rate: 'rate(1 minute)' }")
    config = {
        "service": "posts",
        "provider": {"name": "aws"},
        "custom": {
            "ssm": "${ssm:/posts/secret}",
            "cf": "${cf:other-stack.Url}",
            "code": "${file(./config.js):rate}",
            "fallback": "${ssm:/posts/secret, 'local'}",
            "missing": "${self:custom.nothing}",
            "env": "${env:NOT_SET}",
            "list": "prefix-${self:custom.parts}",
            "parts": [1, 2],
        },
    }
    resolved, problems, notices = _resolved(tmp_path, config)
    fallback = "(`${source, 'value'}`) or write the value"
    assert problems == [
        "custom.ssm: ${ssm:/posts/secret}: reads AWS Systems Manager Parameter Store, which "
        f"appsync-local does not reach (offline): give a fallback {fallback}",
        "custom.cf: ${cf:other-stack.Url}: reads another CloudFormation stack's outputs, which "
        f"appsync-local does not reach (offline): give a fallback {fallback}",
        "custom.code: ${file(./config.js):rate}: ./config.js is code that the framework runs to "
        f"get the value; appsync-local does not run it: give a fallback {fallback}",
        "custom.missing: ${self:custom.nothing}: value not found at the 'self' source",
        "custom.env: ${env:NOT_SET}: value not found at the 'env' source",
        "custom.list: ${self:custom.parts} is part of a string and resolves to a list, not a "
        "string",
    ]
    assert resolved["custom"]["fallback"] == "local"
    assert resolved["custom"]["ssm"] is None
    assert notices == [
        "custom.fallback: ${ssm:/posts/secret, 'local'}: reads AWS Systems Manager Parameter "
        "Store, which appsync-local does not reach (offline); its fallback is used"
    ]


def test_a_circular_reference_is_one_problem(tmp_path: Path) -> None:
    config = {
        "service": "posts",
        "provider": {"name": "aws"},
        "custom": {"a": "${self:custom.b}", "b": "x-${self:custom.a}"},
    }
    _, problems, _ = _resolved(tmp_path, config)
    assert problems == ["custom.b: circular reference: custom.a -> custom.b -> custom.a"]


def test_a_malformed_variable_is_a_problem(tmp_path: Path) -> None:
    config = {"service": "posts", "provider": {"name": "aws"}, "custom": {"a": "${self:x"}}
    _, problems, _ = _resolved(tmp_path, config)
    assert problems == ["custom.a: invalid variable: unterminated variable '${self:x'"]


def test_framework_v2_leaves_a_variable_with_no_value_undefined(tmp_path: Path) -> None:
    # Serverless Framework v2's docs/providers/aws/guide/variables.md: "If
    # unresolvedVariablesNotificationMode is set to error, references to variables that cannot
    # be resolved will result in an error being thrown. This will become the default behaviour
    # in the next major version." v2 warns and leaves the value undefined (a stage-keyed
    # setting whose `default:` is empty, as theburningmonk/appsyncmasterclass-backend has it).
    config = {
        "service": "posts",
        "frameworkVersion": "2",
        "provider": {"name": "aws"},
        "custom": {
            "cachingByStage": {"default": None, "prod": {"ttl": 60}},
            "caching": "${self:custom.cachingByStage.${sls:stage}, "
            "self:custom.cachingByStage.default}",
            "inside": "prefix-${self:custom.nothing}",
        },
    }
    resolved, problems, notices = _resolved(tmp_path, config)
    assert resolved["custom"]["caching"] is None
    assert notices == [
        "custom.caching: ${self:custom.cachingByStage.${sls:stage}, "
        "self:custom.cachingByStage.default}: value not found at the 'self' source; left "
        "undefined, as Serverless Framework before v3 leaves it (with a warning)"
    ]
    # Inside a longer string there is nothing to leave out: still a problem.
    assert problems == [
        "custom.inside: ${self:custom.nothing}: value not found at the 'self' source"
    ]
    prod, _, _ = _resolved(tmp_path, config, stage="prod")
    assert prod["custom"]["caching"] == {"ttl": 60}
    # v3, and v2 with v3's rule opted into, refuse it.
    for opted in (
        {"frameworkVersion": "3"},
        {"unresolvedVariablesNotificationMode": "error"},
        {"variablesResolutionMode": "20210326"},
    ):
        _, problems, notices = _resolved(tmp_path, {**config, **opted})
        assert notices == []
        assert problems[0].startswith("custom.caching: ${self:custom.cachingByStage")
