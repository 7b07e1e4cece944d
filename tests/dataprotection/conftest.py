"""Data protection fixtures: the clock frozen on a Monday (as the reports tests), and the
evidence pack's journey (a learner taken through the whole policy), reused as the learner with
a full history for the subject access export."""

from tests.reports.conftest import _monday  # noqa: F401 (an autouse fixture)
from tests.reports.test_evidence_pack import (  # noqa: F401 (fixtures)
    CANARY,
    CANARY_FILE,
    journey,
    safeguarding,
)
