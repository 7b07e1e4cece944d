"""seed_demo, data protection: the safeguarding lead answered a subject access request from a
withdrawn learner last week, through the real export (so the admin's "Subject access exports"
shows the row, with its checksum). Keyed on the learner; a rerun adds nothing."""

import datetime as dt

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from dataprotection.models import SubjectAccessExport
from dataprotection.sar_export import subject_access_export
from learners.models import Learner, LearnerStatus


def seed(*, stdout) -> None:
    lead = get_user_model().objects.filter(username="safeguarding").first()
    learner = Learner.objects.filter(status=LearnerStatus.WITHDRAWN).order_by("pk").first()
    if lead is None or learner is None:
        return
    if SubjectAccessExport.objects.filter(learner=learner).exists():
        return
    last_week = timezone.now() - dt.timedelta(days=6)
    with time_machine.travel(last_week, tick=False):
        built = subject_access_export(learner=learner, user=lead)
        built.file.close()  # the demo keeps the record, not the zip
    stdout.write(f"Subject access export for {learner.full_name} recorded.")
