"""What a write changed, so that each open view refreshes only what it shows."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Changes:
    workspace: bool = False
    plan: bool = False  # plan details, sections, revisions
    tasks: bool = False  # tasks and their progress
    units: bool = False  # the directory of responsible units
    materials: bool = False
    events: bool = False
    packages: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})

    def touches(self, *names: str) -> bool:
        return any(getattr(self, name) for name in names)

    @classmethod
    def everything(cls) -> Changes:
        return cls(**{f.name: True for f in fields(cls)})
