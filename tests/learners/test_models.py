import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from demo.factories import LearnerFactory, valid_uln
from learners.models import LearnerStatus, ProgrammeType
from learners.validators import validate_uln


class TestUlnValidation:
    def test_it_accepts_a_uln_with_a_correct_check_digit(self):
        # 1*10 + 4*2 = 18; 18 % 11 = 7; check digit 10 - 7 = 3.
        validate_uln("1000000043")
        validate_uln(valid_uln(1))

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("123456789", "uln_format"),  # 9 digits
            ("12345678901", "uln_format"),  # 11 digits
            ("12345abcde", "uln_format"),
            ("\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10", "uln_format"),
            ("0123456789", "uln_format"),
            ("9999999999", "uln_temporary"),
        ],
    )
    def test_it_rejects_malformed_ulns(self, value, code):
        with pytest.raises(ValidationError) as exc:
            validate_uln(value)
        assert exc.value.code == code

    def test_it_rejects_a_wrong_check_digit(self):
        good = valid_uln(7)
        bad = good[:9] + str((int(good[9]) + 1) % 10)
        with pytest.raises(ValidationError) as exc:
            validate_uln(bad)
        assert exc.value.code == "uln_checksum"

    def test_it_rejects_a_uln_whose_check_digit_would_be_ten(self):
        # 2*10 + 1*2 = 22; 22 % 11 = 0; the check digit would be 10, which no digit can hold.
        with pytest.raises(ValidationError) as exc:
            validate_uln("2000000010")
        assert exc.value.code == "uln_checksum"

    def test_learner_full_clean_reports_a_bad_uln_on_the_field(self, learner):
        learner.uln = "12345"
        with pytest.raises(ValidationError) as exc:
            learner.full_clean()
        assert "uln" in exc.value.message_dict


@pytest.mark.django_db
class TestLearnerConstraints:
    def test_it_refuses_a_planned_end_on_or_before_the_start(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            LearnerFactory(start_date=dt.date(2026, 9, 1), planned_end_date=dt.date(2026, 9, 1))

    def test_it_refuses_a_break_in_learning_without_an_expected_return_date(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            LearnerFactory(status=LearnerStatus.BREAK_IN_LEARNING, expected_return_date=None)

    def test_it_refuses_an_expected_return_date_when_not_on_a_break(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            LearnerFactory(
                status=LearnerStatus.ON_PROGRAMME, expected_return_date=dt.date(2027, 1, 4)
            )

    def test_it_refuses_an_apprentice_without_an_employer(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            LearnerFactory(programme_type=ProgrammeType.APPRENTICESHIP, employer=None)

    def test_a_short_course_learner_needs_no_employer(self):
        learner = LearnerFactory(programme_type=ProgrammeType.SHORT_COURSE)
        assert learner.employer is None

    def test_it_refuses_a_second_learner_with_the_same_uln(self, learner):
        from learners.models import Learner

        with pytest.raises(IntegrityError), transaction.atomic():
            Learner.objects.create(
                **{
                    f.attname: getattr(learner, f.attname)
                    for f in learner._meta.concrete_fields
                    if not f.primary_key
                }
            )

    def test_constraints_give_readable_messages_in_forms(self):
        learner = LearnerFactory.build(
            start_date=dt.date(2026, 9, 1), planned_end_date=dt.date(2026, 8, 1)
        )
        with pytest.raises(ValidationError) as exc:
            learner.validate_constraints()
        assert "The planned end date must be after the start date." in str(exc.value)


@pytest.mark.django_db
def test_a_migration_creates_a_group_for_every_staff_role():
    from django.contrib.auth.models import Group

    from learners.roles import Role

    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
