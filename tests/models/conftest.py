"""The model tests' shared helpers (``simulated.py``) importable from every test module of this folder."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
