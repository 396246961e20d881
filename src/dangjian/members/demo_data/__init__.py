"""The members app's generator steps: people, residents, grid workers and members
(``people``), and transfers (``transfers``); importing this package registers them."""

from __future__ import annotations

from dangjian.members.demo_data.people import generate_people
from dangjian.members.demo_data.transfers import generate_transfers

__all__ = ["generate_people", "generate_transfers"]
