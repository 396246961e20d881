"""``python -m dangjian``: the same as the ``dangjian`` command."""

from dangjian.cli import main

raise SystemExit(main())
