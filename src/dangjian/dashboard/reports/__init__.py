"""The dashboard's reports part: the yearly 党建台账 of a party organization and the service
figures by grid and month of a street or community (pages, PDFs, Excel workbooks)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def ledger_link(org, user) -> dict | None:
    """The "print the 党建台账" link on an organization's page, for users who may read it (no query)."""
    from django.urls import reverse
    from django.utils import timezone

    from dangjian.core.scoping import scope_of
    from dangjian.dashboard.reports.ledger import VIEW

    if not scope_of(user).has_perm(VIEW, org_path=org.path):
        return None
    year = timezone.localdate().year
    return {"url": reverse("dashboard:reports:ledger", args=[org.pk, year]), "year": year}


def register() -> None:
    """Contribute this part's menu entries and the organization page's link to the registry."""
    from dangjian.core.registry import MenuEntry, Panel, register_menu_entries, register_org_panel
    from dangjian.dashboard.reports.ledger import VIEW as LEDGER_VIEW
    from dangjian.dashboard.reports.service_grid import VIEW as SERVICE_VIEW

    register_menu_entries(
        MenuEntry(
            "dashboard:reports:ledger_index", _("Party-building ledgers"), "members", LEDGER_VIEW, order=80
        ),
        MenuEntry(
            "dashboard:reports:service_index",
            _("Service figures by grid and month"),
            "service",
            SERVICE_VIEW,
            order=75,
        ),
    )
    register_org_panel(
        Panel(
            key="party_ledger",
            title=_("Party-building ledger"),
            template="dashboard/reports/panels/org_ledger_link.html",
            provider=ledger_link,
            order=90,
        )
    )
