"""The members app's generator steps: people, residents, grid workers and members
(``people``), 留党察看 (``restrictions``) and transfers (``transfers``); importing this package
registers them."""

from __future__ import annotations

from dangjian.members.demo_data.people import generate_people
from dangjian.members.demo_data.restrictions import generate_restrictions
from dangjian.members.demo_data.transfers import generate_transfers

__all__ = ["generate_people", "generate_restrictions", "generate_transfers"]
