"""The risk triggers the policies name, as data. Presets pick the ones their policy uses and set
the numbers; escalation/triggers.py has one test per ``key``.

Keys (the tests): behind_progress, missed_sessions, missed_homework, work_absences,
left_employment, no_new_employer, no_progress, cancelled_visits, break_silence,
break_no_return, inactivity, no_active_learning_month.
"""

from learners.policies.base import (
    APPRENTICESHIP,
    ENGLAND,
    HIGH,
    MEDIUM,
    TriggerRule,
)

APPRENTICES = frozenset({APPRENTICESHIP})


def behind_progress(percent: int = 30, **extra) -> TriggerRule:
    return TriggerRule(
        key="behind_progress",
        name=f"{percent}% behind planned progression",
        percent=percent,
        source="At-risk indicators: behind planned progression",
        **extra,
    )


def missed_sessions(count: int = 3, **extra) -> TriggerRule:
    return TriggerRule(
        key="missed_sessions",
        name=f"{count} consecutive missed sessions without calling in",
        count=count,
        source="At-risk indicators: missed training sessions",
        **extra,
    )


def missed_homework(count: int = 4, **extra) -> TriggerRule:
    return TriggerRule(
        key="missed_homework",
        name=f"Homework not handed in on {count} consecutive occasions",
        count=count,
        source="At-risk indicators: homework",
        **extra,
    )


def work_absences(count: int = 2, **extra) -> TriggerRule:
    return TriggerRule(
        key="work_absences",
        name=f"More than {count} unexplained absences at work",
        count=count,
        programme_types=APPRENTICES,
        source="Examples of when to escalate: absences at work",
        **extra,
    )


def left_employment(**extra) -> TriggerRule:
    return TriggerRule(
        key="left_employment",
        name="Apprentice has left their employment",
        programme_types=APPRENTICES,
        proposes=HIGH,
        source="Examples of when to escalate: left employment",
        **extra,
    )


def no_new_employer(days: int = 30, **extra) -> TriggerRule:
    return TriggerRule(
        key="no_new_employer",
        name=f"{days} days since leaving an employer with no new one",
        days=days,
        programme_types=APPRENTICES,
        proposes=HIGH,
        source="Apprenticeship funding rules: redundancy and leaving employment",
        **extra,
    )


def no_progress(days_by_nation: dict[str, int], **extra) -> TriggerRule:
    days = sorted(set(days_by_nation.values()))
    words = " / ".join(str(d) for d in days)
    return TriggerRule(
        key="no_progress",
        name=f"No recorded progress within {words} days",
        days_by_nation=days_by_nation,
        programme_types=APPRENTICES,
        source="Stage 1: no recorded progress",
        **extra,
    )


def cancelled_visits(count: int = 2, days: int = 28, **extra) -> TriggerRule:
    return TriggerRule(
        key="cancelled_visits",
        name=f"{count} cancelled visits within {days // 7} weeks",
        count=count,
        days=days,
        programme_types=APPRENTICES,
        source="Stage 1: cancelled visits",
        **extra,
    )


def break_silence(months: int = 3, **extra) -> TriggerRule:
    return TriggerRule(
        key="break_silence",
        name=f"No response for {months} months while on a break in learning",
        months=months,
        proposes=HIGH,
        source="5.1.2.1 Learners on a temporary break in learning",
        **extra,
    )


def break_no_return(**extra) -> TriggerRule:
    return TriggerRule(
        key="break_no_return",
        name="On a break in learning with no return date, or past it without returning",
        proposes=HIGH,
        source="5.1.2.1 Learners on a temporary break in learning",
        **extra,
    )


def inactivity(days: int = 14, **extra) -> TriggerRule:
    return TriggerRule(
        key="inactivity",
        name=f"No recorded activity for {days // 7} weeks",
        days=days,
        source="6. Inactivity process and timescales: week 2",
        **extra,
    )


def no_active_learning_month(**extra) -> TriggerRule:
    return TriggerRule(
        key="no_active_learning_month",
        name="No active learning in a calendar month",
        programme_types=APPRENTICES,
        nations=frozenset({ENGLAND}),
        proposes=MEDIUM,
        source="Apprenticeship funding rules: active learning every calendar month",
        **extra,
    )
