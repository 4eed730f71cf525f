"""Activities as the service keeps and describes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class Activity:
    """An activity (`arn:aws:states:<region>:<account>:activity:<name>`) workers poll for tasks."""

    arn: str
    name: str
    creation_date: datetime
    tags: dict[str, str] = field(default_factory=dict)
