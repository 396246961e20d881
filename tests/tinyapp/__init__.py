"""A tiny app that exists only in the tests: it shows that a new app plugs into the platform
through the registry alone, with no edit to ``core``, ``orgs`` or ``accounts`` (issue 9).

It is the worked example of ``docs/adding-an-app.md``: a model, its migration, a page, and in
``apps.py`` a menu entry, a role permission, an audited model, a figure and a 工作台 card.
"""
