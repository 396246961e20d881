"""Signals of 双报到 for the apps above it (the one hours ledger in ``activities`` listens).

``service_log_confirmed`` is sent inside the transaction that confirms a service log, with the
log as ``service_log`` and the confirming user as ``by``: a receiver that fails rolls the
confirmation back, so the log and what others post from it stay in step.
"""

from __future__ import annotations

from django.dispatch import Signal

service_log_confirmed = Signal()
