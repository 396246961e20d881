"""Pages of the 三张清单 and 微心愿, one module per subject: ``needs``, ``catalogue`` (resources and
projects), ``wishes`` (staff and the claiming member) and ``public`` (residents on the portal, no
account); ``common`` holds what they share. Querysets go through ``visible_to(user)``; changes
through ``lists.services``.
"""

from __future__ import annotations
