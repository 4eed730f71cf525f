"""The `$util` object (VTL) and `util` object (PYTHON runtime): one per resolved field.

Member names are AppSync's own ("Utility helpers in $util", AppSync developer guide; the
APPSYNC_JS `util` reference). The object is bound to the field's `ResolverContext` because
`appendError` records into it and `authType`/`unauthorized` read it.
"""

from __future__ import annotations

from typing import Any, NoReturn

from resolvers.context import ResolverContext
from resolvers.errors import UnauthorizedFieldError, UtilError
from resolvers.util import core, ids
from resolvers.util.core import Helper
from resolvers.util.dynamodb import DynamoDBHelpers
from resolvers.util.http import HttpHelpers
from resolvers.util.javatime import epoch_millis
from resolvers.util.lists import ListHelpers
from resolvers.util.log import LogHelpers
from resolvers.util.maps import MapHelpers
from resolvers.util.math import MathHelpers
from resolvers.util.rds import RdsHelpers
from resolvers.util.strings import StrHelpers
from resolvers.util.time import SYSTEM_CLOCK, Clock, TimeHelpers
from resolvers.util.transform import TransformHelpers
from resolvers.util.xml import XmlHelpers

# The errorType AppSync gives `$util.error(message)` when the template names none: the Java
# exception behind the helper ("throw a CustomTemplateException", $util.validate reference).
DEFAULT_ERROR_TYPE = "CustomTemplateException"


# The stateless helper namespaces, shared by every field.
_DYNAMODB = DynamoDBHelpers()
_TRANSFORM = TransformHelpers()
_STR = StrHelpers()
_MATH = MathHelpers()
_LIST = ListHelpers()
_MAP = MapHelpers()
_XML = XmlHelpers()
_RDS = RdsHelpers()


class _Members(Helper):
    """The namespaces under `$util`. Declared apart from `Util` because three of them are
    named `str`, `list` and `map`, which would hide the builtins in `Util`'s annotations."""

    __slots__ = (
        "dynamodb",
        "http",
        "list",
        "log",
        "map",
        "math",
        "rds",
        "str",
        "time",
        "transform",
        "xml",
    )

    dynamodb: DynamoDBHelpers
    transform: TransformHelpers
    str: StrHelpers
    math: MathHelpers
    list: ListHelpers
    map: MapHelpers
    http: HttpHelpers
    xml: XmlHelpers
    log: LogHelpers
    rds: RdsHelpers
    time: TimeHelpers

    def __init__(self, ctx: ResolverContext, clock: Clock) -> None:
        self.dynamodb = _DYNAMODB
        self.transform = _TRANSFORM
        self.str = _STR
        self.math = _MATH
        self.list = _LIST
        self.map = _MAP
        self.http = HttpHelpers(ctx)
        self.xml = _XML
        self.log = LogHelpers(ctx)
        self.rds = _RDS
        self.time = TimeHelpers(clock)


class Util(_Members):
    """`$util` / `$utils` / `util`. Methods keep AppSync's camelCase names."""

    __slots__ = ("_clock", "_ctx")

    def __init__(self, ctx: ResolverContext, clock: Clock = SYSTEM_CLOCK) -> None:
        super().__init__(ctx, clock)
        self._ctx = ctx
        self._clock = clock

    # JSON
    def toJson(self, value: Any) -> str:
        return core.to_json(value)

    def parseJson(self, text: Any) -> Any:
        return core.parse_json(text)

    # Encoding
    def urlEncode(self, value: str) -> str:
        return core.url_encode(value)

    def urlDecode(self, value: str) -> str:
        return core.url_decode(value)

    def base64Encode(self, value: Any) -> str:
        return core.base64_encode(value)

    def base64Decode(self, value: str) -> str:
        return core.base64_decode(value)

    def escapeJavaScript(self, value: str) -> str:
        return core.escape_javascript(value)

    # Ids
    def autoId(self) -> str:
        return ids.auto_id()

    def autoUlid(self) -> str:
        return ids.auto_ulid(epoch_millis(self._clock.now()))

    def autoKsuid(self) -> str:
        return ids.auto_ksuid(epoch_millis(self._clock.now()) // 1000)

    # Errors
    def error(
        self,
        message: Any,
        errorType: Any = None,
        data: Any = None,
        errorInfo: Any = None,
    ) -> NoReturn:
        """Stop the template: the field resolves to null with this error."""
        raise UtilError(
            _message(message),
            _error_type(errorType),
            data,
            errorInfo,
        )

    def appendError(
        self,
        message: Any,
        errorType: Any = None,
        data: Any = None,
        errorInfo: Any = None,
    ) -> None:
        """Record an error and carry on: the field keeps its value and the error is reported."""
        self._ctx.appended_errors.append(
            {
                "message": _message(message),
                "errorType": _error_type(errorType),
                "data": data,
                "errorInfo": errorInfo,
            }
        )

    def unauthorized(self) -> NoReturn:
        info = self._ctx.info
        raise UnauthorizedFieldError(
            f"Not Authorized to access {info.field_name} on type {info.parent_type_name}",
            "Unauthorized",
        )

    def validate(
        self,
        condition: Any,
        message: Any,
        errorType: Any = None,
        data: Any = None,
    ) -> str:
        """Throw `message` when `condition` is false; otherwise print nothing."""
        if condition is not True:
            self.error(message, errorType, data)
        return ""

    # Null checks and defaults
    def isNull(self, value: Any) -> bool:
        return value is None

    def isNullOrEmpty(self, value: Any) -> bool:
        return core.is_null_or_empty(value)

    def isNullOrBlank(self, value: Any) -> bool:
        return core.is_null_or_blank(value)

    def defaultIfNull(self, value: Any, default: Any) -> Any:
        return default if value is None else value

    def defaultIfNullOrEmpty(self, value: Any, default: Any) -> Any:
        return default if core.is_null_or_empty(value) else value

    def defaultIfNullOrBlank(self, value: Any, default: Any) -> Any:
        return default if core.is_null_or_blank(value) else value

    # Types
    def isString(self, value: Any) -> bool:
        return isinstance(value, str)

    def isNumber(self, value: Any) -> bool:
        return core.is_number(value)

    def isBoolean(self, value: Any) -> bool:
        return isinstance(value, bool)

    def isList(self, value: Any) -> bool:
        return isinstance(value, list | tuple)

    def isMap(self, value: Any) -> bool:
        return isinstance(value, dict)

    def typeOf(self, value: Any) -> str:
        return core.type_of(value)

    def matches(self, pattern: str, value: Any) -> bool:
        return core.matches(pattern, value)

    def authType(self) -> str | None:
        return self._ctx.auth_type

    # Printing helpers: both evaluate their argument for its side effect and print nothing.
    def qr(self, *values: Any) -> str:
        return ""

    def quiet(self, *values: Any) -> str:
        return ""


def _message(message: Any) -> str:
    return "null" if message is None else message if isinstance(message, str) else str(message)


def _error_type(error_type: Any) -> str:
    if error_type is None:
        return DEFAULT_ERROR_TYPE
    return error_type if isinstance(error_type, str) else str(error_type)


def make_util(ctx: ResolverContext, clock: Clock = SYSTEM_CLOCK) -> Util:
    """The util object for one field's context."""
    return Util(ctx, clock)
