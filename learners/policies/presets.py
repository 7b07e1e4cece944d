from learners.policies.base import HIGH, LOW, MEDIUM, PolicyPreset

LOW_MEDIUM_HIGH = {LOW: "Low", MEDIUM: "Medium", HIGH: "High"}

ASPIRATION = PolicyPreset(
    key="aspiration",
    name="Aspiration Training: Managing learners at-risk policy (ATL 1.2, April 2022)",
    source="aspiration-managing-learners-at-risk-2022.txt",
    rating_labels=LOW_MEDIUM_HIGH,
    rating_meanings={
        LOW: "Learner ahead of / at target – no obvious risk",
        MEDIUM: "Learner slightly behind target and showing early signs of challenge / risk",
        HIGH: "Learner significantly at risk of becoming an early leaver",
    },
)

MTT = PolicyPreset(
    key="mtt",
    name="Multi Trades Training: Learner at-risk policy (2025)",
    source="mtt-learner-at-risk-policy-2025.txt",
    rating_labels=LOW_MEDIUM_HIGH,
    rating_meanings={
        LOW: "Learner ahead/at target - no obvious risk",
        MEDIUM: "Learner slightly behind target, and showing early signs of challenge/risk",
        HIGH: "Learner significantly at risk of becoming a leaver – extremely high risk",
    },
)

BPN = PolicyPreset(
    key="bpn",
    name="Best Practice Network: Apprentice engagement policy (2026)",
    source="bpn-apprentice-engagement-policy-2026.txt",
    rating_labels={LOW: "Green", MEDIUM: "Amber", HIGH: "Red"},
    rating_meanings={
        LOW: "Apprentice fully engaged: activities on time, reviews attended, OTJT up to date",
        MEDIUM: "Alert: early warning of emerging concerns about engagement",
        HIGH: "At risk: sustained or repeated engagement concerns",
    },
)

MAKERS = PolicyPreset(
    key="makers",
    name="Makers: Support and escalation policy",
    source="makers-support-and-escalation.txt",
    rating_labels=LOW_MEDIUM_HIGH,
    rating_meanings={
        LOW: "On track: no additional support needed",
        MEDIUM: "Informal support: extra help that on-track apprentices do not need",
        HIGH: "Formal support: the apprentice has entered the formal stages",
    },
)

PRESETS = {preset.key: preset for preset in (ASPIRATION, MTT, BPN, MAKERS)}
