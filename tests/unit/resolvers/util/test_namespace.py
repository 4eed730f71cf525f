"""The `$util` namespace: ids stamped from the injected clock, `error`, `appendError`,
`unauthorized`, `validate`, defaults, `authType`, `qr` and `quiet`, checked against "Utility
helpers in $util" (AppSync developer guide,
https://docs.aws.amazon.com/appsync/latest/devguide/utility-helpers-in-util.html)."""

from __future__ import annotations

import re
import uuid

import pytest

from resolvers.context import ResolverContext
from resolvers.errors import UnauthorizedFieldError, UtilError
from resolvers.util import ids
from resolvers.util.namespace import Util
from tests.unit.resolvers.fixed_clock import DOC_NOW_MILLIS


def test_auto_id_is_a_random_uuid_v4(util: Util) -> None:
    first, second = util.autoId(), util.autoId()
    assert uuid.UUID(first).version == 4
    assert str(uuid.UUID(first)) == first
    assert first != second


def test_auto_ulid_is_26_crockford_characters_stamped_now(util: Util) -> None:
    ulid = util.autoUlid()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", ulid)
    assert ids.ulid_timestamp(ulid) == DOC_NOW_MILLIS


def test_auto_ksuid_is_27_base62_characters_stamped_now(util: Util) -> None:
    ksuid = util.autoKsuid()
    assert re.fullmatch(r"[0-9A-Za-z]{27}", ksuid)
    assert ids.ksuid_timestamp(ksuid) == DOC_NOW_MILLIS // 1000


def test_error_stops_with_message_type_data_and_info(util: Util) -> None:
    with pytest.raises(UtilError) as raised:
        util.error("Boom", "MyError", {"id": "1"}, {"code": 7})
    assert raised.value.message == "Boom"
    assert raised.value.error_type == "MyError"
    assert raised.value.data == {"id": "1"}
    assert raised.value.error_info == {"code": 7}


def test_error_without_a_type_is_a_custom_template_exception(util: Util) -> None:
    with pytest.raises(UtilError) as raised:
        util.error("Boom")
    assert raised.value.error_type == "CustomTemplateException"


def test_append_error_records_and_carries_on(util: Util, ctx: ResolverContext) -> None:
    util.appendError("first", "TypeA")
    util.appendError("second", "TypeB", {"x": 1}, {"y": 2})
    assert ctx.appended_errors == [
        {"message": "first", "errorType": "TypeA", "data": None, "errorInfo": None},
        {"message": "second", "errorType": "TypeB", "data": {"x": 1}, "errorInfo": {"y": 2}},
    ]


def test_unauthorized_names_the_field_and_type(util: Util) -> None:
    with pytest.raises(UnauthorizedFieldError) as raised:
        util.unauthorized()
    assert raised.value.error_type == "Unauthorized"
    assert raised.value.message == "Not Authorized to access getPost on type Query"


def test_validate_throws_only_when_false(util: Util) -> None:
    assert util.validate(True, "fine") == ""
    with pytest.raises(UtilError) as raised:
        util.validate(False, "foo", "bar")
    assert (raised.value.message, raised.value.error_type) == ("foo", "bar")


def test_defaults(util: Util) -> None:
    assert util.defaultIfNull(None, "d") == "d"
    assert util.defaultIfNull("", "d") == ""
    assert util.defaultIfNullOrEmpty("", "d") == "d"
    assert util.defaultIfNullOrEmpty(" ", "d") == " "
    assert util.defaultIfNullOrBlank(" ", "d") == "d"
    assert util.defaultIfNullOrBlank("v", "d") == "v"


def test_auth_type_reads_the_context(util: Util) -> None:
    assert util.authType() == "API Key Authorization"


def test_qr_and_quiet_print_nothing(util: Util) -> None:
    assert util.qr([1, 2]) == ""
    assert util.quiet("anything") == ""
