"""Pages of 双报到, one module per subject: ``overview`` (the community's and the unit's views),
``reports`` (我要报到 and members' reports), ``pairings`` (units paired with communities) and
``claims`` (claims, service logs and the yearly feedback); ``common`` holds what they share.
Querysets go through ``visible_to(user)``; changes through ``services``.
"""

from __future__ import annotations
