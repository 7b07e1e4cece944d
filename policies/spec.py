"""What a policy version says, as frozen objects the engine reads (built from the version's
document by policies/documents.py). Nothing here names a provider: the numbers and words are in
each version's document (policies/seeds/*.json for the shipped ones)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# Risk levels as stored (riskcases.RiskLevel uses the same values).
LOW, MEDIUM, HIGH = "low", "medium", "high"
RISK_LEVELS = (LOW, MEDIUM, HIGH)

# Programme types and nations as stored (learners.models uses the same values).
APPRENTICESHIP, TRAINEESHIP, SHORT_COURSE = "apprenticeship", "traineeship", "short_course"
PROGRAMME_TYPES = (APPRENTICESHIP, TRAINEESHIP, SHORT_COURSE)
ENGLAND, WALES = "ENG", "WLS"
NATIONS = (ENGLAND, WALES)

# Staff roles as stored (learners.roles.Role uses the same values; a test checks).
TUTOR, MANAGER, DIRECTOR = "tutor", "manager", "director"
OPERATIONAL_SUPPORT = "operational support"
ROLES = (TUTOR, MANAGER, DIRECTOR, "safeguarding", "leaver panel", "quality", OPERATIONAL_SUPPORT)

# Contact-log types and channels as stored (riskcases.ContactType uses the same values).
CONTACT_TYPES = (
    "phone",
    "email",
    "letter",
    "sms",
    "meeting",
    "visit",
    "three_way",
    "welfare_check",
    "video",
    "other",
    "case_discussion",
)


@dataclass(frozen=True)
class ContactRequirement:
    """Contact-log entries a stage needs, ticked off from the log once the stage starts."""

    label: str  # "Two further welfare-check attempts by phone or e-mail"
    count: int
    contact_types: frozenset[str]  # riskcases.ContactType values
    welfare_check: bool = False  # only entries flagged as welfare checks count
    # How many different channels (contact types) the entries must use between them.
    distinct_channels: int = 0
    # Who the entries must be with ("learner" or "employer"; an entry with both counts for
    # either). "": anyone.
    contact_with: str = ""


@dataclass(frozen=True)
class DatedTask:
    """A task with a due date, set on the case when the stage starts ("The team and Directors
    will discuss further interventions within 10 days"); ``tell_roles`` are told when it is set
    and again if it passes its due date undone."""

    label: str
    days: int  # calendar days from the stage's start
    tell_roles: tuple[str, ...] = ()


# What reaching a stage does about withdrawal.
RAISES_WITHDRAWAL = "raise"  # a Notification of Withdrawal is raised for a director
RECOMMENDS = "recommend"  # the stage ends in a recommendation (one of ``outcomes``)


@dataclass(frozen=True)
class Stage:
    key: str
    name: str
    summary: str
    actor_roles: tuple[str, ...]  # learners.roles.Role values of who acts at this stage
    actor_titles: Mapping[str, str]  # nation -> the job titles the policy names
    # Deadline in working days from the stage's start, by programme type; a programme type
    # not listed uses ``default_deadline``; ``nation_deadlines`` overrides both for a nation
    # (nation -> programme type or "*" -> days). None: no deadline (or, with
    # deadline_set_by_person, one the person starting the stage sets, as a "time plan").
    deadlines: Mapping[str, int] = field(default_factory=dict)
    default_deadline: int | None = None
    nation_deadlines: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    deadline_set_by_person: bool = False
    contacts: tuple[ContactRequirement, ...] = ()
    tasks: tuple[str, ...] = ()
    letter: str | None = None  # the stage letter that falls due when the stage starts
    informal: bool = False
    # Reaching the stage: "" nothing; RAISES_WITHDRAWAL raises a Notification of Withdrawal;
    # RECOMMENDS lets the stage end in one of ``outcomes`` (e.g. "recommend termination").
    withdrawal_effect: str = ""
    outcomes: tuple[str, ...] = ()
    tell_roles: tuple[str, ...] = ()  # told when a case reaches the stage (beyond its actors)
    source: str = ""  # the policy section that sets this stage
    dated_tasks: tuple[DatedTask, ...] = ()  # set on the case, each due N days after the start
    # nation -> who the stage's notice is copied to, in the policy's words ("Vocational Coach
    # and Head of Operations"); shown on the letter and the policy page.
    copied_to: Mapping[str, str] = field(default_factory=dict)
    # Structured review meetings the stage holds on top of normal visits ("2 stage 3 review
    # meetings ... run by the apprentice"): how many, the points each records, and whether
    # someone from the employer is expected (absent, the meeting goes ahead and the record is
    # sent to them). Counted by a move's ``requires.review_meetings``.
    review_meetings: int = 0
    review_points: tuple[str, ...] = ()
    review_employer_expected: bool = False
    # Who records the recommendation the stage ends in (roles; () : those who act at it, and
    # those who may make a move from it that needs one), and nation -> who the confirming
    # e-mail copies in, in the policy's words ("*": any nation).
    recommended_by: tuple[str, ...] = ()
    recommendation_copied_to: Mapping[str, str] = field(default_factory=dict)

    @property
    def withdrawal(self) -> bool:
        """The stage hands over to the withdrawal process (a director decides)."""
        return self.withdrawal_effect == RAISES_WITHDRAWAL

    def deadline_for(self, programme_type: str, nation: str | None = None) -> int | None:
        by_nation = self.nation_deadlines.get(nation or "", {})
        if programme_type in by_nation:
            return by_nation[programme_type]
        if "*" in by_nation:
            return by_nation["*"]
        return self.deadlines.get(programme_type, self.default_deadline)

    def actor_title(self, nation: str) -> str:
        return self.actor_titles.get(nation) or next(iter(self.actor_titles.values()), "")

    def copied_for(self, nation: str) -> str:
        """Who the stage's notice is copied to for a learner in ``nation`` ("": nobody)."""
        return self.copied_to.get(nation) or self.copied_to.get("*", "")

    def recommendation_copied_for(self, nation: str) -> str:
        """Who the recommendation's confirming e-mail copies in for a learner in ``nation``."""
        copied = self.recommendation_copied_to
        return copied.get(nation) or copied.get("*", "")


# The kinds of move a version may declare (its ``moves``). "forward" goes to the next stage (or
# the named one); "back" to an earlier named stage; "step_down" pauses the case on a support
# contract (at its stage, or at a named earlier one); "re_escalate" resumes a stepped-down case;
# "extend" gives the stage more working days; "break" records a break in learning; "withdrawal"
# and "termination" end the programme through a director; "close" ends the case back on track.
MOVE_KINDS = (
    "forward",
    "back",
    "step_down",
    "re_escalate",
    "extend",
    "break",
    "withdrawal",
    "termination",
    "close",
)
# The sweep, not a person, makes an automatic move (when the stage's deadline passes).
SWEEP = "sweep"


@dataclass(frozen=True)
class MoveRequirements:
    """What must be on the record before a move is allowed."""

    support_contract: bool = False  # agreed since the case opened
    recommendation: bool = False  # an outcome recorded at the stage
    # The recommendation recorded must be this one of the stage's outcomes ("" : any).
    outcome: str = ""
    recommendation_emailed: bool = False  # and its confirming e-mail sent
    stage_notified: bool = False  # the stage letter sent, or not sent with a reason
    contact_attempts: int = 0  # contact-log entries since the stage began...
    distinct_channels: int = 0  # ...over this many different channels
    review_meetings: int = 0  # the stage's review meetings recorded since it began
    # The move is explained in words kept in the stage history (every person's move gives a
    # reason; this marks one the policy itself asks to be justified, as an immediate escalation).
    reason: bool = False

    def words(self) -> list[str]:
        said = []
        if self.reason:
            said.append("a reason why, kept in the stage history")
        if self.support_contract:
            said.append("a support contract agreed")
        if self.recommendation or self.outcome:
            said.append(
                f"the recommendation '{self.outcome}' recorded"
                if self.outcome
                else "a recommendation recorded"
            )
        if self.recommendation_emailed:
            said.append("the recommendation's confirming e-mail sent")
        if self.stage_notified:
            said.append("the stage letter sent, or a reason recorded for not sending it")
        if self.contact_attempts:
            channels = (
                f" over {self.distinct_channels} different channels"
                if self.distinct_channels
                else ""
            )
            said.append(f"{self.contact_attempts} contact attempts{channels}")
        if self.review_meetings:
            said.append(f"{self.review_meetings} review meetings held")
        return said


@dataclass(frozen=True)
class Move:
    key: str  # unique in the version; in the case page's URL
    kind: str  # one of MOVE_KINDS
    label: str  # the button: "Move to Stage 2"
    from_stages: tuple[str, ...] = ()  # () : from any stage
    to_stage: str | None = None  # forward: None is the next stage
    by_roles: tuple[str, ...] = ()  # who may make it; SWEEP: the sweep, when the deadline passes
    requires: MoveRequirements = field(default_factory=MoveRequirements)
    extend_days: int | None = None  # extend: working days added
    source: str = ""

    def allowed_from(self, stage_key: str) -> bool:
        return not self.from_stages or stage_key in self.from_stages

    @property
    def automatic(self) -> bool:
        return SWEEP in self.by_roles

    @property
    def outside_ladder(self) -> bool:
        """A withdrawal the version allows from any stage, and for a learner with no case (the
        learner decided to leave; ended under another policy): it skips the stages, not the
        withdrawal process (a director, the ILR reason, confirmation, appeals, leaver panel)."""
        return self.kind == "withdrawal" and not self.from_stages and not self.to_stage

    @property
    def people(self) -> tuple[str, ...]:
        return tuple(role for role in self.by_roles if role != SWEEP)


@dataclass(frozen=True)
class Drivers:
    """What starts and moves a case. ``rating_levels``: a rating at one of these opens a case
    (and the learner page prompts a support plan). ``triggers``: the version's triggers open or
    join cases; when False they still raise risk notifications proposing a rating, but the
    rating runs beside the ladder and no trigger opens or joins a case.
    ``inactivity_days``: no recorded activity for this many working days opens a case at the
    first stage; the ladder advances only while the inactivity lasts, and activity recorded
    closes the case (escalation/sweeps/inactivity.py)."""

    rating_levels: frozenset[str] = frozenset()
    triggers: bool = True
    inactivity_days: int | None = None


@dataclass(frozen=True)
class Periods:
    # "If these indicators occur within the first N days on programme the Directors should be
    # informed immediately".
    directors_told_within_days: int = 60
    # How long "consistently at or above expected progress" must last before removal is proposed.
    back_on_track_days: int = 28
    # A learner on a break with no contact logged for this long shows as contact due.
    break_contact_days: int = 28
    appeal_working_days: int = 10  # to lodge an appeal after the notification
    appeal_decision_working_days: int = 10  # to decide it after receipt
    withdrawal_confirmation_working_days: int = 10
    # "Medium or high ratings entered ... at the first review or in the first 6 weeks on
    # programme": a learner this many days on programme with no rating review recorded is
    # flagged to their tutor. None: the version has no such rule.
    rating_review_days: int | None = None


# Contact-log parties a requirement can name (riskcases.ContactWith uses the same values).
CONTACT_PARTIES = ("learner", "employer")


@dataclass(frozen=True)
class RatingAction:
    """One action a rating asks for while it stands (BPN section 7: "Tutor notifies apprentice
    and employer/mentor"), ticked off from the record since the rating began: a contact-log
    entry with each of ``contact_with`` (of ``contact_types``; any type when empty; by one of
    ``by_roles`` when given), or a support record of one of ``support_kinds``. An action with
    none of these, or ``optional``, is listed to consider, not ticked."""

    label: str
    contact_with: tuple[str, ...] = ()
    contact_types: frozenset[str] = frozenset()
    by_roles: tuple[str, ...] = ()
    support_kinds: tuple[str, ...] = ()
    optional: bool = False

    @property
    def ticked_from_record(self) -> bool:
        return bool(self.contact_with or self.support_kinds or self.by_roles)


# What a withdrawal's evidence shows as the inputs its decision is "informed by" (BPN section
# 9); web/withdrawals.py shows each from the record.
WITHDRAWAL_INPUTS = (
    "tutor_input",
    "manager_review",
    "employer_feedback",
    "participation_history",
)


@dataclass(frozen=True)
class WithdrawalRules:
    """What must be on the record before a director approves a withdrawal: contact attempts
    with the learner since the case opened, over this many different channels (a director may
    approve without them only with a recorded reason), and the inputs the decision is informed
    by (one of WITHDRAWAL_INPUTS -> the policy's words), shown on the withdrawal's evidence."""

    contact_attempts: int = 0
    distinct_channels: int = 0
    informed_by: Mapping[str, str] = field(default_factory=dict)

    @property
    def contact_words(self) -> str:
        if not self.contact_attempts:
            return ""
        channels = (
            f" across {self.distinct_channels} different channels" if self.distinct_channels else ""
        )
        return f"at least {self.contact_attempts} contact attempts{channels}"


@dataclass(frozen=True, eq=False, repr=False)
class TriggerKind:
    """One kind of measurable risk trigger, declared once (policies/trigger_kinds.py): its key
    (stored on each risk notification), the policy's words for a rule of this kind given the
    rule's numbers, where the policies name it, and the numbers and scope a rule gets unless its
    version sets its own. Its set-based "holding" query is escalation/triggers/<key>.py, bound
    to this object. Compared by identity: a kind is one object."""

    key: str
    words: Callable[["TriggerRule"], str]
    source: str
    defaults: Mapping[str, object] = field(default_factory=dict)

    def rule(self, **params) -> "TriggerRule":
        """A rule of this kind: the kind's defaults, overridden by ``params``."""
        return TriggerRule(kind=self, **{**self.defaults, **params})

    def __repr__(self) -> str:
        return f"<TriggerKind {self.key}>"


@dataclass(frozen=True)
class TriggerRule:
    """One measurable risk trigger as a version uses it: its kind (the object, not a key) and
    the policy's numbers. A trigger proposes a rating and opens (or joins) the learner's case at
    ``opens_at`` (a stage key of the same version; None: the first stage). ``version_id``: the
    version it belongs to (set when the version is loaded), so a firing never moves a case
    pinned to another version."""

    kind: TriggerKind
    count: int | None = None  # how many records (consecutive, or more than, as the kind says)
    days: int | None = None  # a period or window in calendar days
    days_by_nation: Mapping[str, int] = field(default_factory=dict)
    months: int | None = None
    percent: int | None = None
    programme_types: frozenset[str] | None = None  # None: every programme type
    nations: frozenset[str] | None = None  # None: England and Wales
    proposes: str = MEDIUM
    opens_at: str | None = None
    # Risk-factor codes (riskcases.RiskFactor) the kind looks for on contact-log entries.
    factors: frozenset[str] | None = None
    version_id: int | None = None

    @property
    def key(self) -> str:
        """The kind's key, as stored on a risk notification (``rule_key``)."""
        return self.kind.key

    @property
    def name(self) -> str:
        """The policy's words: "3 consecutive missed sessions without calling in"."""
        return self.kind.words(self)

    @property
    def source(self) -> str:
        return self.kind.source

    def applies_to(self, *, programme_type: str, nation: str) -> bool:
        return (self.programme_types is None or programme_type in self.programme_types) and (
            self.nations is None or nation in self.nations
        )

    def days_for(self, nation: str) -> int | None:
        return self.days_by_nation.get(nation, self.days)


@dataclass(frozen=True)
class PolicySpec:
    """One version of a provider's policy, as the engine reads it."""

    key: str  # the policy's key
    short_name: str  # "Aspiration", as in "5 working days: Aspiration stage 1"
    name: str
    version_id: int | None  # the PolicyVersion row (None: built in memory, not stored)
    version_label: str  # "2022 (ATL 1.2)"
    source: str  # the policy document this version encodes
    rating_labels: Mapping[str, str]  # risk level -> the word the provider uses
    rating_meanings: Mapping[str, str]  # risk level -> the policy's definition
    stages: tuple[Stage, ...] = ()
    moves: tuple[Move, ...] = ()
    drivers: Drivers = field(default_factory=Drivers)
    programme_types: tuple[str, ...] = PROGRAMME_TYPES
    triggers: tuple[TriggerRule, ...] = ()
    periods: Periods = field(default_factory=Periods)
    notes: tuple[str, ...] = ()  # where the document is ambiguous and how this version reads it
    # What this version runs that its document does not state ("our additions"), each with why:
    # path -> words. Paths: "periods.<name>", "triggers.<kind>", "stages.<key>", "moves.<key>",
    # "drivers.<name>". The policy page shows each beside what it marks.
    additions: Mapping[str, str] = field(default_factory=dict)
    # What each rating asks for while it stands (risk level -> actions), shown as a checklist.
    rating_actions: Mapping[str, tuple[RatingAction, ...]] = field(default_factory=dict)
    # A trigger on a learner already at risk proposes one step higher (False: the rule's own
    # level, where the version says when to go higher, as BPN's repeated Amber issues).
    rating_step_up: bool = True
    withdrawal: WithdrawalRules = field(default_factory=WithdrawalRules)

    # -- the engine's questions ------------------------------------------------------------
    def addition(self, path: str) -> str:
        """Why ``path`` is our addition to the provider's words ("": the document states it)."""
        return self.additions.get(path, "")

    @property
    def title(self) -> str:
        """ "Aspiration 2022 (ATL 1.2)": the policy and version, as pages name it."""
        return f"{self.short_name} {self.version_label}".strip()

    @property
    def support_plan_prompt_levels(self) -> frozenset[str]:
        return self.drivers.rating_levels

    @property
    def directors_told_within_days(self) -> int:
        return self.periods.directors_told_within_days

    @property
    def back_on_track_days(self) -> int:
        return self.periods.back_on_track_days

    @property
    def break_contact_days(self) -> int:
        return self.periods.break_contact_days

    @property
    def appeal_working_days(self) -> int:
        return self.periods.appeal_working_days

    @property
    def appeal_decision_working_days(self) -> int:
        return self.periods.appeal_decision_working_days

    @property
    def withdrawal_confirmation_working_days(self) -> int:
        return self.periods.withdrawal_confirmation_working_days

    @property
    def ratings(self) -> list[tuple[str, str, str]]:
        """(level, label, meaning) from lowest to highest."""
        return [
            (level, self.rating_labels[level], self.rating_meanings.get(level, ""))
            for level in RISK_LEVELS
            if level in self.rating_labels
        ]

    def label(self, level: str) -> str:
        return self.rating_labels[level]

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(f"{self.title} has no stage {key!r}")

    def has_stage(self, key: str) -> bool:
        return any(stage.key == key for stage in self.stages)

    def next_stage(self, key: str) -> Stage | None:
        keys = [s.key for s in self.stages]
        index = keys.index(key)
        return self.stages[index + 1] if index + 1 < len(self.stages) else None

    def stage_number(self, key: str) -> int:
        return [s.key for s in self.stages].index(key) + 1

    def trigger(self, kind: TriggerKind | str) -> TriggerRule:
        """The version's rule of ``kind`` (the kind object, or its key)."""
        for rule in self.triggers:
            if rule.kind is kind or rule.key == kind:
                return rule
        raise KeyError(f"{self.title} has no trigger {kind!r}")

    def move(self, key: str) -> Move:
        for move in self.moves:
            if move.key == key:
                return move
        raise KeyError(f"{self.title} has no move {key!r}")

    def move_or_none(self, key: str | None) -> Move | None:
        return next((move for move in self.moves if move.key == key), None)

    def moves_from(self, stage_key: str, *, kind: str | None = None) -> list[Move]:
        return [
            move
            for move in self.moves
            if move.allowed_from(stage_key) and (kind is None or move.kind == kind)
        ]

    def move_target(self, move: Move, stage_key: str) -> Stage | None:
        """The stage ``move`` leads to from ``stage_key`` (None: no stage, e.g. the last)."""
        if move.to_stage:
            return self.stage(move.to_stage)
        if move.kind == "forward":
            return self.next_stage(stage_key)
        return self.stage(stage_key)

    def automatic_forward(self, stage_key: str) -> Move | None:
        """The move the sweep makes when the stage's deadline passes (None: it only reminds)."""
        for move in self.moves_from(stage_key, kind="forward"):
            if move.automatic:
                return move
        return None
