"""What the intrinsic functions share with Java: java.util.Random's sequence (States.MathRandom
with a seed) and how Java's toString prints a JSON value (States.Format)."""

from __future__ import annotations

import pytest

from stepfunctions.language.intrinsic_functions import JavaRandom, java_string


def test_java_random_matches_java_util_random() -> None:
    # java.util.Random(42): nextInt(10) gives 0, then 3;
    # new Random(0).nextDouble() gives 0.730967787376657.
    generator = JavaRandom(42)
    assert [generator.next_int(10), generator.next_int(10)] == [0, 3]
    assert JavaRandom(0).next_double() == pytest.approx(0.730967787376657, abs=1e-15)


def test_java_string_of_nested_values() -> None:
    assert java_string({"a": [1, {"b": None}], "c": "t"}) == "{a=[1, {b=null}], c=t}"
