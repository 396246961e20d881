"""Background task of the privacy app: the nightly purge of personal data past its retention."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from dangjian.core.scheduler import periodic


@periodic(every=timedelta(days=1))
@task()
def purge_personal_data() -> dict[str, int]:
    """Anonymize what is kept past retention (``services.purge_past_retention``); idempotent."""
    from dangjian.privacy.services import purge_past_retention

    return purge_past_retention()
