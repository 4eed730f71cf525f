"""The commands that read a project's files and print, without serving: `evaluate` (one
APPSYNC_JS handler or VTL template, as AppSync's EvaluateCode / EvaluateMappingTemplate answer
it) and `amplify-outputs` (an Amplify Gen 2 backend's amplify_outputs.json for the local
server)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from definition.problems import Problem


def evaluate(code: Path | None, template: Path | None, function: str, context: Path | None) -> int:
    """Print what EvaluateCode (or EvaluateMappingTemplate) answers for the file: 0 when AppSync
    would answer 200 (even with an `error` in it, as `aws appsync evaluate-code` exits), 1
    otherwise."""
    from appsync.evaluation import RUNTIME, evaluate_code, evaluate_mapping_template

    try:
        context_text = context.read_text(encoding="utf-8") if context is not None else "{}"
        source = code if code is not None else template
        assert source is not None  # argparse requires one of them
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"appsync-local: {error}", file=sys.stderr)
        return 1
    if code is not None:
        body = {"runtime": RUNTIME, "code": text, "context": context_text, "function": function}
        status, answer = evaluate_code(body, file=code.name)
    else:
        body = {"template": text, "context": context_text}
        status, answer = evaluate_mapping_template(body, file=source.name)
    print(json.dumps(answer, indent=4, ensure_ascii=False))
    return 0 if status == 200 else 1


def report(problems: Sequence[Problem]) -> None:
    """A definition's problems on standard error, in `validate`'s form."""
    print(f"appsync-local: {len(problems)} problem(s):", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def amplify_outputs_command(
    config: Path, endpoint: str, out: str, stack: str | None = None, region: str | None = None
) -> int:
    """Write the Gen 2 backend's amplify_outputs.json (`definition.amplify_outputs`) for a
    server at `endpoint`, to `out` (`-`: standard output): 0, or 1 with why."""
    from definition.amplify_outputs import NotAnAmplifyBackendError, amplify_outputs
    from definition.cdk import cdk_stack
    from definition.errors import InvalidDefinitionError

    url = f"{endpoint.rstrip('/')}/graphql"
    try:
        root = cdk_stack(config, stack, region, endpoint_url=endpoint.rstrip("/"))
        outputs = amplify_outputs(root, url)
    except InvalidDefinitionError as error:
        report(error.problems)
        return 1
    except NotAnAmplifyBackendError as error:
        print(f"appsync-local: {error}", file=sys.stderr)
        return 1
    text = json.dumps(outputs, indent=2, ensure_ascii=False) + "\n"
    if out == "-":
        sys.stdout.write(text)
        return 0
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"appsync-local: {error}", file=sys.stderr)
        return 1
    print(f"appsync-local: wrote {out} (data: {url})")
    return 0
