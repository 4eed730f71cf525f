"""JSONata error messages worded as jsonata-js words them, the wording AWS's causes carry.

jsonata-js fills a `{{value}}` placeholder with `JSON.stringify(value)` and a `{{{value}}}` one
raw, and its catalog says "function" where jsonata-java's (which jsonata-python inherits) says
"Object". AWS's cause for a bad argument reads `T0410: Argument 1 of function "uppercase" does
not match function signature` (floci-io/floci#2668 quotes AWS).
"""

from __future__ import annotations

from typing import Any

import jsonata
import pytest
from jsonata.jexception import JException
from jsonata.utils import Utils

from stepfunctions.language.jsonata_messages import jsonata_message, render_message


def _raised(expression: str) -> JException:
    with pytest.raises(JException) as caught:
        jsonata.Jsonata(expression).evaluate(None)
    return caught.value


def test_a_signature_mismatch_reads_as_aws_reports_it() -> None:
    error = _raised("$uppercase(1)")
    assert error.error == "T0410"
    assert jsonata_message(error) == (
        'Argument 1 of function "uppercase" does not match function signature'
    )


def test_an_array_signature_names_the_element_type_in_words() -> None:
    # jsonata-js's signature checker reports the array's element type as "numbers", not "n".
    error = _raised('$sum(["a"])')
    assert error.error == "T0412"
    assert jsonata_message(error) == 'Argument 1 of function "sum" must be an array of "numbers"'


def test_an_operator_is_quoted_as_json() -> None:
    error = _raised('1 + "a"')
    assert jsonata_message(error) == 'The right side of the "+" operator must evaluate to a number'


def test_a_triple_brace_placeholder_is_inserted_raw() -> None:
    assert render_message("T1005", ("sum",)) == (
        "Attempted to invoke a non-function. Did you mean $sum?"
    )
    assert render_message("D3137", (None,)) == "undefined"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1.0, "1"),
        (1.5, "1.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (2.5e-5, "0.000025"),
        (1e-7, "1e-7"),
        (1e21, "1e+21"),
        (123456789012345678901234.0, "1.2345678901234569e+23"),
        ("x", '"x"'),
        ({"a": [1, "é"]}, '{"a":[1,"é"]}'),
        (None, "undefined"),
        (Utils.NULL_VALUE, "null"),
    ],
)
def test_values_are_json_stringified_as_javascript_does(value: Any, shown: str) -> None:
    assert render_message("D3030", (value,)) == f"Unable to cast value to a number: {shown}"


def test_an_unknown_code_has_no_catalog_sentence() -> None:
    assert render_message("X9999", ("a",)) == ""
