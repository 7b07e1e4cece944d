from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model, QuerySet

from learners.access import learners_visible_to
from learners.models import BreakInLearning, ImportBatch, Learner, Team
from learners.record_forms import ACTIVITY_RECORD_FORMS
from learners.roles import ORGANISATION_WIDE_ROLES, Role, roles_of


def learner_list_for(*, user: AbstractBaseUser) -> QuerySet[Learner]:
    """The learners a user's list page shows, with everything the rows print joined in."""
    return (
        learners_visible_to(user)
        .select_related("course", "employer", "tutor", "team")
        .order_by("last_name", "first_name", "pk")
    )


def enrolment_teams(*, user: AbstractBaseUser) -> QuerySet[Team]:
    """The teams a user may enrol into: the ones they manage (every team for a superuser)."""
    return Team.objects.all() if user.is_superuser else Team.objects.filter(managers=user)


def team_tutors(teams: QuerySet[Team]) -> QuerySet:
    """The active tutors of ``teams``: whom a learner enrolled into one of them may have."""
    return (
        get_user_model()
        .objects.filter(
            groups__name=Role.TUTOR,
            is_active=True,
            pk__in=Team.tutors.through.objects.filter(team__in=teams).values("user"),
        )
        .order_by("last_name", "first_name", "username")
    )


def learner_list_title(*, user: AbstractBaseUser) -> str:
    roles = roles_of(user)
    if user.is_superuser or roles & ORGANISATION_WIDE_ROLES:
        return "All learners"
    if Role.MANAGER in roles:
        return "Team learners"
    return "My caseload"


RECENT_RECORDS = 8


def learner_recent_records(
    *, learner: Learner, limit: int = RECENT_RECORDS
) -> list[tuple[str, Model]]:
    """The latest activity records of every kind, newest first, as (kind label, record)."""
    found: list[tuple[str, Model]] = []
    for kind in ACTIVITY_RECORD_FORMS.values():
        model = kind.form._meta.model
        found += [(kind.label, r) for r in model.objects.filter(learner=learner)[:limit]]
    breaks = BreakInLearning.objects.filter(learner=learner)[:limit]
    found += [("Break in learning", r) for r in breaks]
    found.sort(key=lambda pair: (pair[1].occurred_on, pair[1].created_at), reverse=True)
    return found[:limit]


def import_batches_for(*, user: AbstractBaseUser) -> QuerySet[ImportBatch]:
    """Import batches a user may look at: their own; every batch for directors and superusers
    (who oversee imports across teams)."""
    batches = ImportBatch.objects.select_related("uploaded_by", "applied_by").defer(
        "errors", "notices", "touched_learner_ids"
    )
    if user.is_superuser or Role.DIRECTOR in roles_of(user):
        return batches
    return batches.filter(uploaded_by=user)
