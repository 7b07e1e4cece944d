"""The risk triggers: one module per trigger kind, and what a firing does.

Layout
- ``<kind>.py`` (behind_progress, missed_sessions, missed_homework, work_absences,
  cancelled_visits, left_employment, no_new_employer, no_progress, inactivity,
  no_active_learning_month, break_silence, break_no_return): ``KIND``, the kind it implements,
  and ``holding(rule, scope, today)``, its set-based query with the words of its evidence.
- ``base.py``: Firing (what a query returns) and the query's type; ``queries.py``: the
  set-based building blocks the kinds share (runs, counts, breaks, activity, replies).
- ``registry.py``: HOLDING, the one dict from kind to query, and ``triggers_holding``.
- ``firing.py``: firing a batch (notes, notifications, the directors inside the first days)
  and the tutor's decision; ``cases.py``: the cases a batch of firings opens or joins, in bulk;
  ``back_on_track.py``: proposing removal from the register; ``evaluate.py``: the sweep step
  that ties them together (``triggers_evaluate``).

Why a kind is declared on the ground floor
A policy version names a trigger kind by its key in its document; the document is read into
rules by ``policies/documents.py`` on the ground floor (the policies app), which imports
nothing above it, so the kind objects live there too: policies/trigger_kinds.py declares each
kind once (its key, the policy's words for a rule given its numbers, where the policies name
it, its default numbers and scope; no query).
The kind module here binds its query to that object (``KIND = MISSED_SESSIONS``), and
registry.py fails at import if a declared kind has no query. The key string is only what a
risk notification stores (``rule_key``) and what ``PolicySpec.trigger(key)`` accepts.
"""
