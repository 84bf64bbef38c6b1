"""``python -m timeline``: the command line (see :mod:`timeline.cli`)."""

from __future__ import annotations

from timeline.cli import main

if __name__ == "__main__":
    main()
