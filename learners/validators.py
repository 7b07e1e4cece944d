import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection

# ILR rule ULN_04 (DerivedData_01): weights 10..2 over the first nine digits, total mod 11;
# the check digit is 10 minus that remainder, and a remainder of 0 (check digit 10) is invalid.
ULN_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
TEMPORARY_ULN = "9999999999"


def uln_check_digit(first_nine: str) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(first_nine, ULN_WEIGHTS, strict=True)) % 11
    check = 10 - remainder
    return None if check == 10 else check


def validate_uln(value: str) -> None:
    if not (len(value) == 10 and value.isascii() and value.isdigit()):
        raise ValidationError("A ULN is exactly 10 digits.", code="uln_format")
    if value == TEMPORARY_ULN:
        raise ValidationError(
            "9999999999 is the ILR's temporary ULN; record the learner's real ULN.",
            code="uln_temporary",
        )
    if value[0] == "0":
        raise ValidationError("A ULN cannot start with 0.", code="uln_format")
    if uln_check_digit(value[:9]) != int(value[9]):
        raise ValidationError(
            "This ULN fails the check-digit test; check it against the Learner Record Service.",
            code="uln_checksum",
        )


# Control characters other than tab and line breaks: invisible, they break exports (XML in
# .xlsx refuses them) and e-mail headers. NUL is refused by Django's own CharField validator.
CONTROL_CHARACTERS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def validate_no_control_characters(value: str) -> None:
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "Remove the invisible control characters (pasted from another program?).",
            code="control_characters",
        )


class CleanTextMixin:
    """Every text field of the form refuses control characters. The app's forms all inherit
    it (tests/hostile/test_hostile_coverage.py checks), so the rule lives in one place."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(validate_no_control_characters)


class CleanForm(CleanTextMixin, forms.Form):
    pass


class CleanModelForm(CleanTextMixin, forms.ModelForm):
    pass


# Up to this many ticked choices are checked against the catalogue with no extra query.
FEW_CHOICES = 20


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django hands every submitted value to ``pk__in``: 99999999999999999999999 overflowed the
    database's integer (a 500) and 5,000 values made a huge query. A value that is not a whole
    number in the primary key's range, or more choices than the catalogue holds, is a form
    error before any query. Every multiple-choice field of the app uses this class
    (tests/hostile/test_bounded_choices.py checks)."""

    def _check_values(self, value):
        values = list(dict.fromkeys(str(v).strip() for v in value))
        pk = self.queryset.model._meta.pk
        if pk.get_internal_type() in {
            "AutoField",
            "BigAutoField",
            "IntegerField",
            "BigIntegerField",
        }:
            low, high = connection.ops.integer_field_range(pk.get_internal_type())
            for v in values:
                if not (v.isascii() and v.isdigit() and low <= int(v) <= high):
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": v[:20]},
                    )
        if len(values) > FEW_CHOICES and len(values) > self.queryset.count():
            raise ValidationError(
                "More choices than the list offers; tick only the ones shown.",
                code="too_many_choices",
            )
        return super()._check_values(values)


def years_from(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (or earlier); 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def validate_date_window(value: dt.date | None, *, earliest: dt.date, latest: dt.date) -> None:
    """Dates a person types are kept to a sane window: 0001-01-01 or 9999-12-31 is a typo, and
    one stored breaks every "days until" and every report's date range."""
    if value is None:
        return
    if not earliest <= value <= latest:
        raise ValidationError(
            "Enter a date between %(earliest)s and %(latest)s.",
            code="date_out_of_window",
            params={"earliest": f"{earliest:%d/%m/%Y}", "latest": f"{latest:%d/%m/%Y}"},
        )
