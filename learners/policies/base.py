from collections.abc import Mapping
from dataclasses import dataclass

# Risk levels as stored (riskcases.RiskLevel uses the same values).
LOW, MEDIUM, HIGH = "low", "medium", "high"
RISK_LEVELS = (LOW, MEDIUM, HIGH)


@dataclass(frozen=True)
class PolicyPreset:
    key: str
    name: str
    source: str  # the policy document in shared/policies/ this preset encodes
    rating_labels: Mapping[str, str]  # risk level -> the word the provider uses
    rating_meanings: Mapping[str, str]  # risk level -> the policy's definition
    # Ratings at which the policy asks the tutor to consider a support plan and engagement
    # contract ("First risk identified").
    support_plan_prompt_levels: frozenset[str] = frozenset({MEDIUM, HIGH})

    def label(self, level: str) -> str:
        return self.rating_labels[level]
