"""Pages of the two trees, split by subject: ``trees`` (browsing, lists, lookups), ``nodes`` (an
organization's or area's page, its forms and history) and ``committees``; ``common`` holds the
``TreeConfig`` that tells organization pages from area pages, passed from ``page_urls``.

Every queryset goes through ``visible_to(user)`` and every change through ``orgs.services``.
"""
