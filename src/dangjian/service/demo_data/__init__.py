"""Generator step: five years of service requests (为民服务) for the demo and benchmark data.

What it writes:

- a category tree when none exists (8 top categories, 35 leaves: time limits mostly 3/5/7
  working days, a few in working hours (路灯, 停水, 停电: 8 h), two 全时通 categories counted in
  calendar days (独居老人紧急求助, 消防通道堵塞), the service modes 代办/帮办/陪办/预约办, some
  categories not public on the portal); the departments of each district (城管执法局, 派出所,
  市场监管所, 住建委, 水务局, 供电公司, 民政局), each with a user (``bm_handler`` is the 城管
  user; the others are ``bm_<code>``, with the demo password); routing rules for some category ×
  street pairs (the street's 党工委 or another department instead of the default);
- requests: about 1,000,000 over five years at ``district`` scale, in proportion to the residents
  at other scales (about 4,300 at ``community``). Days follow the working calendar (``core.workdays``):
  fewer reports on weekends and much fewer on holidays, a catch-up after long holidays, a summer
  peak, a slow growth over the years; categories have weights and seasons (供暖 in winter, 积水
  and 病媒 in summer); sources (portal, patrol, hotline, 12345, walk-in, mailbox) have their own
  hours of the day and shares on working and other days; the grid is drawn weighted by residents
  and the point inside its boundary. Deadlines are ``service.deadlines.compute_due`` (cached per
  category unit, amount and day for working and calendar days: the same day gives the same due
  date), handling times are log-normal around 45% of the time limit (≈95% on time, many early,
  a few late), ``handling_working_hours`` is the same office-hour count as
  ``deadlines.working_hours_between`` computed from per-day prefix sums;
- states: older requests are resolved, ~70% rated (mostly 满意/非常满意; a 差评 gets a follow-up,
  done unless recent) and archived 30 days after 办结; ~2% were not accepted; the last two weeks
  hold open requests in every state (上报 … 处置反馈, 退回, 挂起), a few reopened after a 差评,
  a few 督办 (mostly overdue ones) and 吹哨 calls to departments; overdue open requests carry the
  overdue mark and escalation the background task would have set;
- timeline (``RequestEvent``): the full chain (submit, accept, dispatch, start, feedback, approve,
  rating invitation, rate, archive, and the special actions) for requests of the last twelve
  months; older requests get a compact timeline of submit and approve (or submit and reject):
  the full chain for five years would be ~8 million rows, beyond the step's time budget.

Contact phones: encrypting a phone per request (Fernet, ~50 µs, plus an HMAC) for a million rows
would take minutes, so a pool of 500 phones is encrypted once and requests from the portal and
the hotlines reuse one pool entry's ciphertext, hash and masked form (~60% of those requests).
Repeating a ciphertext reveals only what the lookup hash reveals anyway (two requests share a
phone); the values are synthetic.

Everything is computed in Python from a few queries and written in monthly chunks: requests and
events by ``COPY`` on PostgreSQL (``executemany`` on SQLite) — ``bulk_create`` of these wide rows
took ten times longer — the few whistle calls with ``generator.insert``; no per-row save, no
per-row audit. The figures rollup is rebuilt at the end (the rows bypass the services keeping it).
At district scale on PostgreSQL (2 shared cores) the step took 362 s for 999,940 requests and
3.5 million events. The step draws from its own
``random.Random`` seeded by the generator's seed, so the same seed gives the same requests
whatever the other steps draw. "Now" is the start of the generator's ``today`` (local time).
"""

from dangjian.service.demo_data.step import generate_service

__all__ = ["generate_service"]
