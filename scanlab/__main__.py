"""``python -m scanlab``: the command line (see :mod:`scanlab.cli`)."""

from __future__ import annotations

from scanlab.cli import main

__all__: list[str] = []

raise SystemExit(main())
