"""The VTL runtime: AppSync request and response mapping templates.

`load_vtl_code` reads and compiles both templates once (airspeed parses, `vtl_compile` builds the
tree); each call renders with `$context`/`$ctx`, `$util`/`$utils` and `$extensions` bound to the
field, then reads the output as AppSync does: the request template must render a JSON document
("Unable to parse the JSON document"), the response template's JSON is the field's value
("Unable to convert ... to Object."). `#return(value)` skips the rest and hands `value` back as
is (AWS AppSync directives).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from definition.model import Source, source_text
from resolvers.context import ResolverContext, SkipTo
from resolvers.errors import (
    BreakLoop,
    ResolverError,
    ReturnFromTemplate,
    StopRendering,
    TemplateError,
)
from resolvers.runtimes import vtl_nodes as nodes
from resolvers.runtimes.vtl_compile import compile_template
from resolvers.util.core import MAPPING_TEMPLATE, Helper
from resolvers.util.namespace import Util
from resolvers.util.time import SYSTEM_CLOCK, Clock


class Extensions(Helper):
    """`$extensions` (Extensions, AppSync developer guide): recorded on the field's context.

    The keys of `ctx.extensions` are the PYTHON runtime's: "setSubscriptionFilter",
    "setSubscriptionInvalidationFilter", "invalidateSubscriptions", "evictFromApiCache".
    """

    __slots__ = ("_ctx",)

    def __init__(self, ctx: ResolverContext) -> None:
        self._ctx = ctx

    def setSubscriptionFilter(self, filter: Any) -> None:
        self._ctx.extensions["setSubscriptionFilter"] = filter

    def setSubscriptionInvalidationFilter(self, filter: Any) -> None:
        self._ctx.extensions["setSubscriptionInvalidationFilter"] = filter

    def invalidateSubscriptions(self, invalidation: Any) -> None:
        self._ctx.extensions.setdefault("invalidateSubscriptions", []).append(invalidation)

    def evictFromApiCache(self, typeName: str, fieldName: str, keyValuePair: Any) -> None:
        entry = {"typeName": typeName, "fieldName": fieldName, "keyValuePair": keyValuePair}
        self._ctx.extensions.setdefault("evictFromApiCache", []).append(entry)


@dataclass(frozen=True, slots=True)
class Rendered:
    """What one render produced: the text, or the value `#return` gave."""

    text: str
    returned: bool
    value: Any


class VtlTemplate:
    """One compiled mapping template."""

    __slots__ = ("body", "file", "macros")

    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.body, self.macros = compile_template(text, file)

    def render(self, ctx: ResolverContext, clock: Clock) -> Rendered:
        context = ctx.to_context()
        util = Util(ctx, clock)
        frame = nodes.Frame(
            {
                "context": context,
                "ctx": context,
                "util": util,
                "utils": util,
                "extensions": Extensions(ctx),
            },
            self.macros,
        )
        try:
            nodes.render_block(self.body, frame)
        except ReturnFromTemplate as returned:
            return Rendered("".join(frame.out), True, returned.value)
        except (StopRendering, BreakLoop):
            pass
        except (TypeError, ValueError, KeyError, IndexError, AttributeError) as error:
            # A Java operation the template applies to the wrong kind of value (an unhashable
            # map key, a bad range bound ...): a template error, not a server fault.
            raise ResolverError(
                f"Unable to evaluate the template {self.file}: {error}", MAPPING_TEMPLATE
            ) from error
        except RecursionError as error:
            raise ResolverError(
                f"Unable to evaluate the template {self.file}: recursion too deep",
                MAPPING_TEMPLATE,
            ) from error
        return Rendered("".join(frame.out), False, None)


def _reject_constant(name: str) -> Any:
    # Jackson refuses NaN and Infinity in a JSON document; Python's json would take them.
    raise json.JSONDecodeError(f"Non-standard token '{name}'", name, 0)


# One decoder for every render: `json.loads` with an argument builds a new one per call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _loads(text: str) -> Any:
    if text.startswith("\ufeff"):
        # json.loads's own check (and message) for a byte order mark, which a template file
        # read as UTF-8 keeps; the decoder alone would not make it.
        return json.loads(text, parse_constant=_reject_constant)
    return _DECODER.decode(text)


def _parse_request(text: str) -> Any:
    try:
        return _loads(text)
    except json.JSONDecodeError as error:
        raise ResolverError(
            f"Unable to parse the JSON document: '{error.msg} at line {error.lineno}, "
            f"column {error.colno}'",
            MAPPING_TEMPLATE,
        ) from error


def _parse_response(text: str) -> Any:
    if not text.strip():
        raise ResolverError("Template transformation yielded an empty response.", MAPPING_TEMPLATE)
    try:
        return _loads(text)
    except json.JSONDecodeError as error:
        raise ResolverError(f"Unable to convert {text} to Object.", MAPPING_TEMPLATE) from error


class VtlCode:
    """A resolver's or function's request and response templates (the ResolverCode protocol)."""

    __slots__ = ("_clock", "_request", "_response")

    def __init__(
        self,
        request: VtlTemplate | None,
        response: VtlTemplate | None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._request = request
        self._response = response
        self._clock = clock

    def request(self, ctx: ResolverContext) -> Any:
        """The request document; with `#return` the returned value, and `ctx.early_return` set.

        Without a request template the data source gets no document (None), as with a direct
        Lambda resolver whose request mapping is disabled.
        """
        if self._request is None:
            return None
        rendered = self._request.render(ctx, self._clock)
        if rendered.returned:
            ctx.early_return = True
            # "returns from the closest scoped block of logic": the resolver, or the function.
            ctx.early_return_skip_to = SkipTo.RESOLVER
            return rendered.value
        return _parse_request(rendered.text)

    def response(self, ctx: ResolverContext) -> Any:
        """The field's value. Without a response template the data source's result passes
        through, and its error is raised, as AppSync's direct Lambda response does."""
        if self._response is None:
            if ctx.error is not None:
                raise ResolverError(ctx.error.message, ctx.error.type, ctx.result)
            return ctx.result
        rendered = self._response.render(ctx, self._clock)
        if rendered.returned:
            return rendered.value
        return _parse_response(rendered.text)


def load_template(source: Source) -> VtlTemplate:
    """A template file, or a template's text written in the definition (named as it says)."""
    try:
        text = source_text(source)
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(str(source), 1, 1, f"cannot read the template: {error}") from error
    return VtlTemplate(text, str(source))


def load_vtl_code(
    request: Source | None,
    response: Source | None,
    clock: Clock = SYSTEM_CLOCK,
) -> VtlCode:
    """Read and compile both templates once; a template that does not parse raises
    `TemplateError(file, line, column, message)`."""
    return VtlCode(
        load_template(request) if request is not None else None,
        load_template(response) if response is not None else None,
        clock,
    )
