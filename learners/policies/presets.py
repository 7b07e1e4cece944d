"""The provider policies in shared/policies/ as data. Section references name the source."""

from learners.policies.base import (
    APPRENTICESHIP,
    ENGLAND,
    HIGH,
    LOW,
    MEDIUM,
    TRAINEESHIP,
    WALES,
    ContactRequirement,
    PolicyPreset,
    Stage,
)
from learners.policies.trigger_kinds import (
    BEHIND_PROGRESS,
    BREAK_NO_RETURN,
    BREAK_SILENCE,
    CANCELLED_VISITS,
    INACTIVITY,
    LEFT_EMPLOYMENT,
    MISSED_HOMEWORK,
    MISSED_SESSIONS,
    NO_ACTIVE_LEARNING_MONTH,
    NO_NEW_EMPLOYER,
    NO_PROGRESS,
    WORK_ABSENCES,
)

LOW_MEDIUM_HIGH = {LOW: "Low", MEDIUM: "Medium", HIGH: "High"}
BY_PHONE_OR_EMAIL = frozenset({"phone", "email", "welfare_check"})
LETTER_OR_EMAIL = frozenset({"letter", "email"})
MEETINGS = frozenset({"meeting", "three_way", "visit"})
TUTOR, MANAGER, DIRECTOR, SAFEGUARDING = "tutor", "manager", "director", "safeguarding"


def two_welfare_attempts(days: str) -> ContactRequirement:
    return ContactRequirement(
        label=f"Two further welfare-check attempts by phone or e-mail within {days}",
        count=2,
        contact_types=BY_PHONE_OR_EMAIL,
        welfare_check=True,
    )


def stage_letter(name: str) -> ContactRequirement:
    return ContactRequirement(
        label=f"{name} e-mail or letter sent to the learner (and employer)",
        count=1,
        contact_types=LETTER_OR_EMAIL,
    )


# --- Aspiration Training (ATL 1.2, April 2022), England and Wales --------------------------
ASPIRATION = PolicyPreset(
    key="aspiration",
    short_name="Aspiration",
    name="Aspiration Training: Managing learners at-risk policy (ATL 1.2, April 2022)",
    source="aspiration-managing-learners-at-risk-2022.txt",
    rating_labels=LOW_MEDIUM_HIGH,
    rating_meanings={
        LOW: "Learner ahead of / at target – no obvious risk",
        MEDIUM: "Learner slightly behind target and showing early signs of challenge / risk",
        HIGH: "Learner significantly at risk of becoming an early leaver",
    },
    stages=(
        Stage(
            key="first_risk",
            name="First risk identified",
            summary="Consider and agree a support plan and engagement contract with the learner "
            "(and employer), focused on meeting deadlines.",
            actor_roles=(TUTOR,),
            actor_titles={ENGLAND: "Coach / Tutor", WALES: "Coach / Tutor"},
            tasks=(
                "Consider a support plan and engagement contract and share them with the "
                "learner and employer",
                "Offer the support options in 5.1.3 and record them in the contact log",
                "Make regular contact attempts by phone and e-mail",
            ),
            source="5.3.1 First risk identified",
        ),
        Stage(
            key="stage_1",
            name="Stage 1",
            summary="Send the Stage 1 e-mail to the learner and employer, then make two further "
            "welfare-check contact attempts.",
            actor_roles=(TUTOR, MANAGER),
            actor_titles={
                ENGLAND: "Coach / Tutor / Sector Manager",
                WALES: "Operational Support Coordinator",
            },
            deadlines={TRAINEESHIP: 3},
            default_deadline=5,
            contacts=(stage_letter("Stage 1"), two_welfare_attempts("the stage")),
            tasks=("Record the learner on the at-risk log",),
            letter="stage_1",
            auto_advance=True,
            source="5.3.2 Stage 1",
        ),
        Stage(
            key="stage_2",
            name="Stage 2",
            summary="Phone the learner and employer; if commitment is not agreed, send the "
            "Stage 2 e-mail and make two further welfare-check attempts.",
            actor_roles=(TUTOR, MANAGER),
            actor_titles={
                ENGLAND: "Coach (copying in the Sector Manager)",
                WALES: "Operational Support Coordinator",
            },
            deadlines={TRAINEESHIP: 2},
            default_deadline=5,
            contacts=(stage_letter("Stage 2"), two_welfare_attempts("the stage")),
            tasks=("Phone the learner and the employer",),
            letter="stage_2",
            auto_advance=True,
            source="5.3.3 Stage 2",
        ),
        Stage(
            key="stage_3",
            name="Stage 3: Notification of Withdrawal",
            summary="Phone the learner and employer; if commitment is not agreed, send the "
            "Stage 3 Notification of Withdrawal, copied to the Coach and Head of Operations.",
            actor_roles=(MANAGER,),
            actor_titles={ENGLAND: "Sector Manager", WALES: "Operational Support Coordinator"},
            contacts=(stage_letter("Stage 3 Notification of Withdrawal"),),
            tasks=(
                "Phone the learner and the employer",
                "Apprentices: seek the employer's agreement to remove the learner",
            ),
            letter="stage_3",
            withdrawal=True,
            source="5.3.4 Stage 3",
        ),
    ),
    triggers=(
        BEHIND_PROGRESS.rule(),
        MISSED_SESSIONS.rule(opens_at="stage_1"),
        MISSED_HOMEWORK.rule(),
        WORK_ABSENCES.rule(),
        LEFT_EMPLOYMENT.rule(),
        NO_NEW_EMPLOYER.rule(),
        NO_PROGRESS.rule(days_by_nation={ENGLAND: 42, WALES: 49}, opens_at="stage_1"),
        CANCELLED_VISITS.rule(opens_at="stage_1"),
        BREAK_SILENCE.rule(opens_at="stage_1"),
        BREAK_NO_RETURN.rule(opens_at="stage_1"),
        NO_ACTIVE_LEARNING_MONTH.rule(),
    ),
    notes=(
        "Stage 1's 'non-attendance to a scheduled session without advance notice' is read with "
        "the at-risk indicators' 3 consecutive missed sessions, so one missed session alone "
        "does not start stage 1.",
        "'30% behind planned progression' is read as 30 percentage points of the programme "
        "behind the plan at that date (e.g. 20% done when 50% was planned).",
        "'Consistently at or above expected progress markers' is read as 4 weeks (28 days) of "
        "progress records at or above plan with no trigger holding; a manager confirms removal.",
        "Short courses follow the apprenticeship timescales: the policy gives reduced ones "
        "only for traineeships.",
        "'Contacted regularly as appropriate' during a break in learning sets no interval; it is "
        "read as the contact period under 'Breaks in learning' above: a learner with no contact "
        "logged for that long during the break shows as contact due on the reminder list.",
    ),
)

# --- Multi Trades Training (2025), apprenticeships ------------------------------------------
MTT = PolicyPreset(
    key="mtt",
    short_name="MTT",
    name="Multi Trades Training: Learner at-risk policy (2025)",
    source="mtt-learner-at-risk-policy-2025.txt",
    rating_labels=LOW_MEDIUM_HIGH,
    rating_meanings={
        LOW: "Learner ahead/at target - no obvious risk",
        MEDIUM: "Learner slightly behind target, and showing early signs of challenge/risk",
        HIGH: "Learner significantly at risk of becoming a leaver – extremely high risk",
    },
    programme_types=(APPRENTICESHIP,),
    stages=(
        Stage(
            key="first_risk",
            name="First risk identified",
            summary="Raise a notification, consider a support plan and engagement plan, and "
            "schedule keeping-in-touch calls.",
            actor_roles=(TUTOR,),
            actor_titles={ENGLAND: "Skills Coach / Online Tutor"},
            tasks=(
                "Team and Directors discuss further interventions within 10 days",
                "Consider a support plan and engagement plan, shared with learner and employer",
                "Schedule keeping-in-touch calls",
            ),
            source="How to escalate; First risk identified",
        ),
        Stage(
            key="stage_1",
            name="Stage 1",
            summary="The Director sends the Stage 1 e-mail; two further welfare-check attempts "
            "by telephone and e-mail within 5 working days.",
            actor_roles=(DIRECTOR,),
            actor_titles={ENGLAND: "Director"},
            default_deadline=5,
            contacts=(stage_letter("Stage 1"), two_welfare_attempts("5 working days")),
            letter="stage_1",
            auto_advance=True,
            source="Stage 1",
        ),
        Stage(
            key="stage_2",
            name="Stage 2",
            summary="Learner Support or the Safeguarding team phone both parties; Stage 2 "
            "e-mail; two further welfare-check attempts within 10 working days.",
            actor_roles=(SAFEGUARDING, MANAGER),
            actor_titles={ENGLAND: "Learner Support / Safeguarding team"},
            default_deadline=10,
            contacts=(stage_letter("Stage 2"), two_welfare_attempts("10 working days")),
            tasks=("Phone the learner and the employer",),
            letter="stage_2",
            auto_advance=True,
            source="Stage 2",
        ),
        Stage(
            key="stage_3",
            name="Stage 3: Notification of Withdrawal",
            summary="The Director phones both parties; if commitment is not agreed, the Stage 3 "
            "Notification of Withdrawal follows.",
            actor_roles=(DIRECTOR,),
            actor_titles={ENGLAND: "Director"},
            contacts=(stage_letter("Stage 3 Notification of Withdrawal"),),
            tasks=("Seek the employer's agreement to remove the apprentice",),
            letter="stage_3",
            withdrawal=True,
            source="Stage 3",
        ),
    ),
    triggers=(
        BEHIND_PROGRESS.rule(),
        MISSED_SESSIONS.rule(opens_at="stage_1"),
        MISSED_HOMEWORK.rule(),
        WORK_ABSENCES.rule(),
        LEFT_EMPLOYMENT.rule(),
        NO_NEW_EMPLOYER.rule(),
        NO_PROGRESS.rule(days_by_nation={ENGLAND: 42}, opens_at="stage_1"),
        CANCELLED_VISITS.rule(opens_at="stage_1"),
        BREAK_SILENCE.rule(),
        BREAK_NO_RETURN.rule(),
        NO_ACTIVE_LEARNING_MONTH.rule(),
    ),
    notes=(
        "Stage 2 gives the welfare attempts 10 working days but says to move to stage 3 after "
        "5; the preset waits the 10 days so the attempts the policy allows can be made.",
    ),
)

# --- Best Practice Network (April 2026), apprenticeships: the inactivity ladder -------------
WEEK = 5  # working days in a week of the ladder


def ladder_stage(key, name, summary, actor, title, weeks_to_next, **extra) -> Stage:
    return Stage(
        key=key,
        name=name,
        summary=summary,
        actor_roles=(actor,),
        actor_titles={ENGLAND: title},
        default_deadline=weeks_to_next * WEEK if weeks_to_next else None,
        auto_advance=bool(weeks_to_next),
        source="6. Inactivity process and timescales",
        **extra,
    )


BPN = PolicyPreset(
    key="bpn",
    short_name="BPN",
    name="Best Practice Network: Apprentice and employer-mentor engagement policy (2026)",
    source="bpn-apprentice-engagement-policy-2026.txt",
    rating_labels={LOW: "Green", MEDIUM: "Amber", HIGH: "Red"},
    rating_meanings={
        LOW: "Apprentice fully engaged: activities on time, reviews attended, OTJT up to date",
        MEDIUM: "Alert: early warning of emerging concerns about engagement",
        HIGH: "At risk: sustained or repeated engagement concerns",
    },
    programme_types=(APPRENTICESHIP,),
    stages=(
        ladder_stage(
            "week_2",
            "Week 2: inactivity trigger",
            "Flag the apprentice for monitoring; initial contact by at least two methods.",
            TUTOR,
            "Apprenticeship Tutor",
            1,
            contacts=(
                ContactRequirement(
                    "Initial contact attempts by two methods (e.g. e-mail and phone)",
                    2,
                    BY_PHONE_OR_EMAIL,
                ),
            ),
        ),
        ladder_stage(
            "week_3",
            "Week 3: formal warning",
            "Notify the apprentice and employer/mentor of the risk of a programme pause; agree "
            "a recovery plan where contact is established.",
            TUTOR,
            "Apprenticeship Tutor",
            1,
            contacts=(stage_letter("Formal warning"),),
            letter="formal_warning",
        ),
        ladder_stage(
            "week_4",
            "Week 4: break in learning considered",
            "If there is no engagement or communication, start a break in learning and reissue "
            "the training plan and apprenticeship agreement.",
            TUTOR,
            "Apprenticeship Tutor",
            1,
        ),
        ladder_stage(
            "week_5",
            "Week 5: escalation",
            "The Performance Manager reviews the case; further contact attempts and options "
            "discussed with the employer.",
            MANAGER,
            "Performance Manager",
            3,
            contacts=(
                ContactRequirement("Further contact attempts", 1, BY_PHONE_OR_EMAIL),
                ContactRequirement("Options discussed with the employer", 1, MEETINGS | {"phone"}),
            ),
        ),
        ladder_stage(
            "week_8",
            "Week 8: withdrawal considered",
            "If engagement cannot be re-established, withdrawal may be actioned on documented "
            "evidence of contact attempts and support offered.",
            DIRECTOR,
            "Associate Director of Apprenticeships",
            0,
            withdrawal=True,
        ),
    ),
    triggers=(
        INACTIVITY.rule(days=14),
        MISSED_SESSIONS.rule(),
        CANCELLED_VISITS.rule(),
        LEFT_EMPLOYMENT.rule(),
        NO_NEW_EMPLOYER.rule(),
        BREAK_SILENCE.rule(),
        BREAK_NO_RETURN.rule(),
        NO_ACTIVE_LEARNING_MONTH.rule(),
    ),
    notes=("The ladder's weeks are counted as 5 working days each.",),
)

# --- Makers: support and escalation (five stages, the first two informal) -------------------
REVIEW_MEETINGS = ContactRequirement("Two review meetings on top of placement visits", 2, MEETINGS)


def makers_stage(number, summary, actor, title, **extra) -> Stage:
    return Stage(
        key=f"stage_{number}",
        name=f"Stage {number}" + (" (informal)" if number <= 2 else " (formal)"),
        summary=summary,
        actor_roles=(actor,),
        actor_titles={ENGLAND: title},
        informal=number <= 2,
        deadline_set_by_person=number >= 3,
        contacts=(REVIEW_MEETINGS,) if number >= 3 else (),
        source="Stages",
        **extra,
    )


MAKERS = PolicyPreset(
    key="makers",
    short_name="Makers",
    name="Makers: Support and escalation policy",
    source="makers-support-and-escalation.txt",
    rating_labels=LOW_MEDIUM_HIGH,
    rating_meanings={
        LOW: "On track: no additional support needed",
        MEDIUM: "Informal support: extra help that on-track apprentices do not need",
        HIGH: "Formal support: the apprentice has entered the formal stages",
    },
    programme_types=(APPRENTICESHIP,),
    stages=(
        makers_stage(
            1,
            "Informal support: extra reviews or coaching above the normal level.",
            TUTOR,
            "Placement / tech coach",
        ),
        makers_stage(
            2,
            "Informal support, stepped up; apprentices may move back and forth.",
            TUTOR,
            "Placement / tech coach",
        ),
        makers_stage(
            3,
            "Formal support: notified in person and by e-mail with the support to "
            "date, reasons and actions with dates; copied to the line manager.",
            TUTOR,
            "Placement / tech coach",
            letter="formal_support",
        ),
        makers_stage(
            4,
            "Formal support led by the Pastoral or tech lead; the employer must "
            "attend the reviews.",
            MANAGER,
            "Pastoral lead / tech lead",
        ),
        makers_stage(
            5,
            "Formal support led by the Head of Developer Success or Head of "
            "Training; the Director recommends the outcome, which may end the "
            "apprenticeship.",
            DIRECTOR,
            "Director of delivery / training",
            withdrawal=True,
        ),
    ),
    triggers=(
        # "Any apprentice who has fallen behind their timeline of progression".
        BEHIND_PROGRESS.rule(),
        LEFT_EMPLOYMENT.rule(),
        NO_NEW_EMPLOYER.rule(),
        BREAK_NO_RETURN.rule(),
        NO_ACTIVE_LEARNING_MONTH.rule(),
    ),
    notes=(
        "Formal stages run to a time plan the coach sets when the stage starts, so the person "
        "starting a formal stage sets its due date and the sweep reminds but never advances.",
    ),
)

PRESETS = {preset.key: preset for preset in (ASPIRATION, MTT, BPN, MAKERS)}
