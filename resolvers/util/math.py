"""`$util.math`: "Math helpers in $util.math" (AppSync developer guide).

The random helpers are not for anything that needs high-entropy randomness, as AWS warns.
"""

from __future__ import annotations

import math
import random

from resolvers.util.core import Helper


class MathHelpers(Helper):
    """The `math` member of `$util`."""

    __slots__ = ()

    def roundNum(self, value: float) -> int:
        """Java's `Math.round`: halves round up (towards positive infinity)."""
        return math.floor(value + 0.5)

    def minVal(self, first: float, second: float) -> float:
        return float(min(first, second))

    def maxVal(self, first: float, second: float) -> float:
        return float(max(first, second))

    def randomDouble(self) -> float:
        return random.random()

    def randomWithinRange(self, low: int, high: int) -> int:
        """A random integer from `low` (inclusive) to `high` (exclusive), as Java's
        `ThreadLocalRandom.nextInt(low, high)`; `low` when the range is empty."""
        if high <= low:
            return low
        return random.randrange(low, high)
