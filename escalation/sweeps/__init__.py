"""The beat sweeps (config/settings.py CELERY_BEAT_SCHEDULE runs them through
escalation/tasks.py, whose task names do not change):

- 06:00 the trigger sweep: escalation/triggers/evaluate.py (``triggers_evaluate``);
- 06:30 ``overdue.py``: advance overdue cases at the stages the sweep advances;
- 07:00 ``reminders.py``: remind the day before a stage is due, and tell the people acting at
  a stage a person moves on that it is overdue;
- 07:15 ``digest.py``: each manager's morning e-mail of their teams' cases.

``batches.py`` is how a sweep works through its cases (a batch per transaction, under row
locks, two sweeps at once doing nothing twice); ``selectors.py`` the batch reads (success at a
stage, who hears of an event); ``announce.py`` telling people a case moved.
"""
