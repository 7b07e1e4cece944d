"""The kinds of risk trigger the policies name, each declared once: its key, the policy's words
for a rule of the kind given its numbers, where the policies name it, and its default numbers
and scope. Presets (presets.py) build their rules from these objects with their own numbers,
e.g. ``MISSED_SESSIONS.rule(opens_at="stage_1")``.

Each kind's set-based "holding" query is escalation/triggers/<key>.py, bound to the object
here (the ground floor imports nothing above it; escalation/triggers/registry.py fails at
import if a kind here has no query).
"""

from policies.spec import APPRENTICESHIP, ENGLAND, HIGH, LOW, TriggerKind

APPRENTICES = frozenset({APPRENTICESHIP})


def _no_progress_words(rule) -> str:
    days = " / ".join(str(d) for d in sorted(set(rule.days_by_nation.values())))
    return f"No recorded progress within {days} days"


BEHIND_PROGRESS = TriggerKind(
    key="behind_progress",
    words=lambda rule: (
        f"{rule.percent}% behind planned progression"
        if rule.percent
        else "Behind planned progression by any amount"
    ),
    source="At-risk indicators: behind planned progression",
    defaults={"percent": 30},
)
MISSED_SESSIONS = TriggerKind(
    key="missed_sessions",
    words=lambda rule: f"{rule.count} consecutive missed sessions without calling in",
    source="At-risk indicators: missed training sessions",
    defaults={"count": 3},
)
MISSED_HOMEWORK = TriggerKind(
    key="missed_homework",
    words=lambda rule: f"Homework not handed in on {rule.count} consecutive occasions",
    source="At-risk indicators: homework",
    defaults={"count": 4},
)
WORK_ABSENCES = TriggerKind(
    key="work_absences",
    words=lambda rule: f"More than {rule.count} unexplained absences at work",
    source="Examples of when to escalate: absences at work",
    defaults={"count": 2, "programme_types": APPRENTICES},
)
LEFT_EMPLOYMENT = TriggerKind(
    key="left_employment",
    words=lambda rule: "Apprentice has left their employment",
    source="Examples of when to escalate: left employment",
    defaults={"programme_types": APPRENTICES, "proposes": HIGH},
)
NO_NEW_EMPLOYER = TriggerKind(
    key="no_new_employer",
    words=lambda rule: f"{rule.days} days since leaving an employer with no new one",
    source="Apprenticeship funding rules: redundancy and leaving employment",
    defaults={"days": 30, "programme_types": APPRENTICES, "proposes": HIGH},
)
# No default period: each preset gives its nations' days (days_by_nation).
NO_PROGRESS = TriggerKind(
    key="no_progress",
    words=_no_progress_words,
    source="Stage 1: no recorded progress",
    defaults={"programme_types": APPRENTICES},
)
CANCELLED_VISITS = TriggerKind(
    key="cancelled_visits",
    words=lambda rule: f"{rule.count} cancelled visits within {rule.days // 7} weeks",
    source="Stage 1: cancelled visits",
    defaults={"count": 2, "days": 28, "programme_types": APPRENTICES},
)
BREAK_SILENCE = TriggerKind(
    key="break_silence",
    words=lambda rule: f"No response for {rule.months} months while on a break in learning",
    source="5.1.2.1 Learners on a temporary break in learning",
    defaults={"months": 3, "proposes": HIGH},
)
BREAK_NO_RETURN = TriggerKind(
    key="break_no_return",
    words=lambda rule: "On a break in learning with no return date, or past it without returning",
    source="5.1.2.1 Learners on a temporary break in learning",
    defaults={"proposes": HIGH},
)
INACTIVITY = TriggerKind(
    key="inactivity",
    words=lambda rule: f"No recorded activity for {rule.days // 7} weeks",
    source="6. Inactivity process and timescales: week 2",
    defaults={"days": 14},
)
NO_ACTIVE_LEARNING_MONTH = TriggerKind(
    key="no_active_learning_month",
    words=lambda rule: "No active learning in a calendar month",
    source="Apprenticeship funding rules: active learning every calendar month",
    defaults={"programme_types": APPRENTICES, "nations": frozenset({ENGLAND})},
)
# Section 7's Amber triggers (BPN), one record each: the latest review or class missed, a
# concern recorded on the contact log; repeated ones propose Red; none for a while, Green.
MISSED_REVIEW = TriggerKind(
    key="missed_review",
    words=lambda rule: "A progress review missed (cancelled by the apprentice or the employer)",
    source="7. Learner risk rating: Amber triggers: missed reviews",
)
MISSED_CLASS = TriggerKind(
    key="missed_class",
    words=lambda rule: "A classroom session missed without calling in",
    source="7. Learner risk rating: Amber triggers: missed classroom sessions",
)


def _concern_words(rule) -> str:
    named = ", ".join(code.replace("-", " ") for code in sorted(rule.factors or ()))
    return f"A concern recorded on the contact log: {named}"


CONCERN_RECORDED = TriggerKind(
    key="concern_recorded",
    words=_concern_words,
    source="7. Learner risk rating: Amber triggers",
    defaults={"factors": frozenset()},
)
REPEATED_CONCERNS = TriggerKind(
    key="repeated_concerns",
    words=lambda rule: f"Repeated issues: {rule.count} risk notifications within {rule.days} days",
    source="7. Learner risk rating: Red: repeated Amber issues",
    defaults={"count": 3, "days": 28, "proposes": HIGH},
)
EXPECTATIONS_MET = TriggerKind(
    key="expectations_met",
    words=lambda rule: (
        f"Expectations met: no risk notification for {rule.days} days and no inactivity case open"
    ),
    source="7. Learner risk rating: status returns to Green when expectations are met",
    defaults={"days": 28, "proposes": LOW},
)
# Kinds whose firings are not themselves concerns (what repeated_concerns and
# expectations_met count are the others' risk notifications).
NOT_CONCERNS = frozenset({"repeated_concerns", "expectations_met"})

# Every kind by its key (the key a risk notification stores); one entry per object above.
TRIGGER_KINDS: dict[str, TriggerKind] = {
    kind.key: kind
    for kind in (
        BEHIND_PROGRESS,
        MISSED_SESSIONS,
        MISSED_HOMEWORK,
        WORK_ABSENCES,
        LEFT_EMPLOYMENT,
        NO_NEW_EMPLOYER,
        NO_PROGRESS,
        CANCELLED_VISITS,
        BREAK_SILENCE,
        BREAK_NO_RETURN,
        INACTIVITY,
        NO_ACTIVE_LEARNING_MONTH,
        MISSED_REVIEW,
        MISSED_CLASS,
        CONCERN_RECORDED,
        REPEATED_CONCERNS,
        EXPECTATIONS_MET,
    )
}
