"""`$util.math`, checked against "Math helpers in $util.math" (AppSync developer guide)."""

from __future__ import annotations

from resolvers.util.namespace import Util


def test_math_helpers(util: Util) -> None:
    assert util.math.roundNum(2.5) == 3
    assert util.math.roundNum(-2.5) == -2
    assert util.math.roundNum(1.4) == 1
    assert util.math.minVal(3.5, 2) == 2.0
    assert util.math.maxVal(3.5, 2) == 3.5
    assert 0 <= util.math.randomDouble() < 1
    assert all(10 <= util.math.randomWithinRange(10, 20) < 20 for _ in range(200))
