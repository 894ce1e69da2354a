"""Limits of the screen that the command line shows before anything is computed."""
from __future__ import annotations

__all__ = ["MIN_EVENTS"]

#: Default minimum number of events in a series for it to be tested.
MIN_EVENTS = 10
