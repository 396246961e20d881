"""Synthetic data at named scales (community, district, city) for demos and benchmarks.

``generate(scale, seed=...)`` runs every app's generator step (``<app>/demo_data.py``): both
trees, people, residents, party members, grid workers, committees, the demo logins and each
domain app's records; ``DEMO_LOGINS`` lists those logins and needs no Django setup.
"""

from __future__ import annotations

from collections.abc import Callable

from dangjian.core.generator.logins import DEMO_LOGINS, DEMO_PASSWORD
from dangjian.core.generator.scales import SCALES, Scale

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "SCALES", "Scale", "generate"]


def generate(
    scale: str | Scale,
    seed: int = 2026,
    *,
    log: Callable[[str], None] = print,
    add_steps: list[str] | None = None,
):
    """Build the data of ``scale`` into an empty database (or, with ``add_steps``, run only those
    steps on a database generated earlier); returns the per-stage ``Stats``."""
    from dangjian.core.generator.build import Generator

    if isinstance(scale, str):
        scale = SCALES[scale]
    generator = Generator(scale, seed, log=log)
    return generator.add_steps(add_steps) if add_steps else generator.run()
