"""The rule by which a heartbeat from a lesson page becomes study time (学习时长), decided by the
server alone; the page only reports.

The lesson page (``static/learning/study.js``) sends a heartbeat every ``BEAT_SECONDS`` while the
tab is visible and the learner was active (pointer, keyboard, scroll, a playing video) in the
last ``IDLE_SECONDS``. The server credits a heartbeat with the time since the person's previous
heartbeat (any lesson, any tab), and only when it says visible and active; never more than
``CAP_SECONDS`` at once, never more than wall-clock time (the person's one clock), and never past
the lesson's length × ``LENGTH_FACTOR`` in all. A hidden or idle tab adds nothing, and the time
it spent hidden is not credited later either: any heartbeat moves the clock.
"""

from __future__ import annotations

import datetime

BEAT_SECONDS = 15
IDLE_SECONDS = 60
CAP_SECONDS = 60
LENGTH_FACTOR = 1.5


def credit(
    last_beat_at: datetime.datetime | None,
    now: datetime.datetime,
    *,
    visible: bool,
    active: bool,
    credited: int,
    length_seconds: int,
) -> int:
    """Whole seconds one heartbeat adds to a lesson's study time.

    ``last_beat_at`` is the person's previous heartbeat (None: this is the first, which only
    starts the clock); ``credited`` what the lesson already holds for the person.
    """
    if last_beat_at is None or not (visible and active):
        return 0
    elapsed = (now - last_beat_at).total_seconds()
    if elapsed <= 0:
        return 0
    gained = min(elapsed, CAP_SECONDS)
    ceiling = int(length_seconds * LENGTH_FACTOR)
    return max(0, min(int(gained), ceiling - credited))
