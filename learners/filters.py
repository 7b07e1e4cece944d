import django_filters
from django.db.models import Q, QuerySet

from learners.models import Learner, LearnerStatus, ProgrammeType

# Longer than any name; each word becomes a LIKE pattern, and 60,000 characters of them made
# SQLite give up ("pattern too complex", a 500). Longer is a filter error the page shows.
SEARCH_MAX_CHARS = 100


class LearnerListFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search", label="Name or ULN", max_length=SEARCH_MAX_CHARS
    )
    status = django_filters.ChoiceFilter(choices=LearnerStatus.choices, empty_label="Any status")
    programme_type = django_filters.ChoiceFilter(
        choices=ProgrammeType.choices, label="Programme", empty_label="Any programme"
    )
    show_archived = django_filters.BooleanFilter(
        method="filter_archived",
        label="Include archived learners",
        widget=django_filters.widgets.forms.CheckboxInput,
    )

    class Meta:
        model = Learner
        fields = ["q", "status", "programme_type"]

    def filter_queryset(self, queryset: QuerySet[Learner]) -> QuerySet[Learner]:
        # Archived learners are hidden unless asked for; the box is unticked by default.
        if not self.form.cleaned_data.get("show_archived"):
            queryset = queryset.filter(archived=False)
        return super().filter_queryset(queryset)

    def filter_search(
        self, queryset: QuerySet[Learner], name: str, value: str
    ) -> QuerySet[Learner]:
        value = value.strip()
        if not value:
            return queryset
        query = Q(uln=value) if value.isdigit() else Q()
        for word in value.split():
            query |= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        return queryset.filter(query)

    def filter_archived(
        self, queryset: QuerySet[Learner], name: str, value: bool
    ) -> QuerySet[Learner]:
        return queryset  # handled in filter_queryset so the default (unticked) also applies
