"""``python -m scanlab``: the command line (see :mod:`scanlab.cli`)."""

from __future__ import annotations

from scanlab.cli import main

raise SystemExit(main())
