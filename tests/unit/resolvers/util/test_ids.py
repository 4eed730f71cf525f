"""Identifier generators: `$util.autoId()`, `$util.autoUlid()`, `$util.autoKsuid()` ("Utility
helpers in $util", AppSync developer guide, ID generation utils).

The encodings are checked against identifiers other implementations made: a ULID from
no_proto's `NP_ULID::generate(1604965249484, ...)` ("01EPQP4CEC93KANC3XYNG9YKAQ") and the KSUID
of segmentio/ksuid's README ("Inspect the components of a KSUID": 0ujtsYcgvSTl8PAuAdqWYSMnLOv,
timestamp 107608047).
"""

from __future__ import annotations

import re
import uuid

from resolvers.util import ids


def test_an_auto_id_is_a_canonical_uuid_v4() -> None:
    value = ids.auto_id()
    assert uuid.UUID(value).version == 4
    assert str(uuid.UUID(value)) == value


def test_a_ulid_encodes_its_milliseconds_as_others_do() -> None:
    assert ids.ulid_timestamp("01EPQP4CEC93KANC3XYNG9YKAQ") == 1604965249484
    made = ids.auto_ulid(1604965249484)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", made)
    assert made.startswith("01EPQP4CEC")


def test_ulids_sort_by_time() -> None:
    earlier, later = ids.auto_ulid(1604965249484), ids.auto_ulid(1604965249485)
    assert earlier < later


def test_a_ksuid_decodes_to_segments_timestamp() -> None:
    assert ids.ksuid_timestamp("0ujtsYcgvSTl8PAuAdqWYSMnLOv") == 107608047 + 1_400_000_000


def test_a_ksuid_is_27_base62_characters_that_sort_by_time() -> None:
    seconds = 1517943695
    made = ids.auto_ksuid(seconds)
    assert re.fullmatch(r"[0-9A-Za-z]{27}", made)
    assert ids.ksuid_timestamp(made) == seconds
    assert ids.auto_ksuid(seconds) < ids.auto_ksuid(seconds + 1)


def test_a_ksuid_at_its_epoch_keeps_its_27_characters() -> None:
    # A value whose base62 form is shorter is padded with leading zeros, as segmentio's is.
    made = ids.auto_ksuid(ids.KSUID_EPOCH_SECONDS)
    assert len(made) == 27
    assert ids.ksuid_timestamp(made) == ids.KSUID_EPOCH_SECONDS
