from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# Risk levels as stored (riskcases.RiskLevel uses the same values).
LOW, MEDIUM, HIGH = "low", "medium", "high"
RISK_LEVELS = (LOW, MEDIUM, HIGH)

# Programme types and nations as stored (learners.models uses the same values).
APPRENTICESHIP, TRAINEESHIP, SHORT_COURSE = "apprenticeship", "traineeship", "short_course"
ENGLAND, WALES = "ENG", "WLS"


@dataclass(frozen=True)
class ContactRequirement:
    """Contact-log entries a stage needs, ticked off from the log once the stage starts."""

    label: str  # "Two further welfare-check attempts by phone or e-mail"
    count: int
    contact_types: frozenset[str]  # riskcases.ContactType values
    welfare_check: bool = False  # only entries flagged as welfare checks count


@dataclass(frozen=True)
class Stage:
    key: str
    name: str
    summary: str
    actor_roles: tuple[str, ...]  # learners.roles.Role values of who acts at this stage
    actor_titles: Mapping[str, str]  # nation -> the job titles the policy names
    # Deadline in working days from the stage's start, by programme type; a programme type
    # not listed uses ``default_deadline``. None: no deadline (or, with deadline_set_by_person,
    # one the person starting the stage sets, as Makers' "time plan").
    deadlines: Mapping[str, int] = field(default_factory=dict)
    default_deadline: int | None = None
    deadline_set_by_person: bool = False
    contacts: tuple[ContactRequirement, ...] = ()
    tasks: tuple[str, ...] = ()
    letter: str | None = None  # the stage letter sent when the stage starts
    # The sweep advances the case when the deadline passes with no success recorded.
    auto_advance: bool = False
    informal: bool = False
    # The last stage: hands over to the withdrawal process (director approval, employer).
    withdrawal: bool = False
    source: str = ""  # the policy section that sets this stage

    def deadline_for(self, programme_type: str) -> int | None:
        return self.deadlines.get(programme_type, self.default_deadline)

    def actor_title(self, nation: str) -> str:
        return self.actor_titles.get(nation) or next(iter(self.actor_titles.values()), "")


@dataclass(frozen=True, eq=False, repr=False)
class TriggerKind:
    """One kind of measurable risk trigger, declared once (learners/policies/trigger_kinds.py):
    its key (stored on each risk notification), the policy's words for a rule of this kind given
    the rule's numbers, where the policies name it, and the numbers and scope a rule gets unless
    its preset sets its own. Its set-based "holding" query is escalation/triggers/<key>.py,
    bound to this object. Compared by identity: a kind is one object."""

    key: str
    words: Callable[["TriggerRule"], str]
    source: str
    defaults: Mapping[str, object] = field(default_factory=dict)

    def rule(self, **params) -> "TriggerRule":
        """A preset's rule of this kind: the kind's defaults, overridden by ``params``."""
        return TriggerRule(kind=self, **{**self.defaults, **params})

    def __repr__(self) -> str:
        return f"<TriggerKind {self.key}>"


@dataclass(frozen=True)
class TriggerRule:
    """One measurable risk trigger as a preset uses it: its kind (the object, not a key) and the
    policy's numbers. A trigger proposes a rating and opens (or joins) the learner's case at
    ``opens_at`` (a stage key; None: the preset's first stage)."""

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
class PolicyPreset:
    key: str
    short_name: str  # "Aspiration", as in "5 working days: Aspiration stage 1"
    name: str
    source: str  # the policy document in shared/policies/ this preset encodes
    rating_labels: Mapping[str, str]  # risk level -> the word the provider uses
    rating_meanings: Mapping[str, str]  # risk level -> the policy's definition
    stages: tuple[Stage, ...] = ()
    programme_types: tuple[str, ...] = (APPRENTICESHIP, TRAINEESHIP, SHORT_COURSE)
    triggers: tuple[TriggerRule, ...] = ()
    # Policy (MTT): "if these indicators occur within the first 60 days on programme the
    # Directors should be informed immediately".
    directors_told_within_days: int = 60
    # "If an at-risk learner returns to being consistently at or above their expected progress
    # markers, they will be removed from the register": how long counts as consistently.
    back_on_track_days: int = 28
    # Policy (Aspiration 5.1.2.1): a learner on a break "should be contacted regularly as
    # appropriate during the period of suspension". The policy sets no interval; this tool reads
    # "regularly" as at least every 28 days of the break (the reminder list flags "Contact due").
    break_contact_days: int = 28
    # Appeals against a withdrawal: lodged within this many working days of the notification,
    # decided within as many of receipt (BPN 11, Makers "a 10 working days appeal process").
    appeal_working_days: int = 10
    appeal_decision_working_days: int = 10
    # BPN 10: "Withdrawal decisions will be confirmed in writing within 10 working days".
    withdrawal_confirmation_working_days: int = 10
    # Ratings at which the policy asks the tutor to consider a support plan and engagement
    # contract ("First risk identified"); a case opens at these ratings too.
    support_plan_prompt_levels: frozenset[str] = frozenset({MEDIUM, HIGH})
    notes: tuple[str, ...] = ()  # where the document is ambiguous and how the preset reads it

    def label(self, level: str) -> str:
        return self.rating_labels[level]

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(f"{self.key} has no stage {key!r}")

    def next_stage(self, key: str) -> Stage | None:
        keys = [s.key for s in self.stages]
        index = keys.index(key)
        return self.stages[index + 1] if index + 1 < len(self.stages) else None

    def trigger(self, kind: TriggerKind | str) -> TriggerRule:
        """The preset's rule of ``kind`` (the kind object, or its key)."""
        for rule in self.triggers:
            if rule.kind is kind or rule.key == kind:
                return rule
        raise KeyError(f"{self.key} has no trigger {kind!r}")

    def stage_number(self, key: str) -> int:
        return [s.key for s in self.stages].index(key) + 1
