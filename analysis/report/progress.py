"""Stage timing and progress messages on stderr."""
from __future__ import annotations

import sys
import time
from typing import Any


class Progress:
    """Times named stages; prints what is happening to stderr when enabled."""
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.timings: dict[str, float] = {}

    def stage(self, name: str, what: str) -> "Stage":
        return Stage(self, name, what)

    def say(self, text: str) -> None:
        if self.enabled:
            print(f"[report] {text}", file=sys.stderr, flush=True)


class Stage:
    """Context manager timing one stage."""
    def __init__(self, progress: Progress, name: str, what: str) -> None:
        self.p, self.name, self.what = progress, name, what

    def __enter__(self) -> "Stage":
        self.t0 = time.perf_counter()
        self.p.say(f"{self.what} …")
        return self

    def __exit__(self, *exc: Any) -> None:
        dt = time.perf_counter() - self.t0
        self.p.timings[self.name] = self.p.timings.get(self.name, 0.0) + dt
        if exc[0] is None:
            self.p.say(f"{self.what}: done in {dt:.1f} s")
