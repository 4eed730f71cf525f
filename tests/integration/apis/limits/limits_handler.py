"""A Lambda handler slower than the API's configured execution limit."""

import asyncio
from typing import Any


async def handle(event: Any, context: Any) -> str:
    await asyncio.sleep(5)
    return "too late"
