"""The shipped policies (policies/seeds/): loaded by migration 0002 and, in tests, again after a
transactional test empties the tables. Once loaded they are the provider's data: editing them
happens in the database (drafts and new versions), never in these files."""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings

from policies.spec import PolicySpec

SEEDS = Path(__file__).resolve().parent / "seeds"


def catalogue() -> list[dict]:
    return json.loads((SEEDS / "catalogue.json").read_text())


def seed_document(filename: str) -> dict:
    return json.loads((SEEDS / filename).read_text())


def load(apps, schema_editor) -> None:
    """Create each shipped policy and its versions that are not there yet (by key, number);
    when no policy is the default for new teams, settings.DEFAULT_POLICY becomes it."""
    Policy = apps.get_model("policies", "Policy")
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    for entry in catalogue():
        policy, _ = Policy.objects.get_or_create(
            key=entry["key"],
            defaults={
                "short_name": entry["short_name"],
                "name": entry["name"],
            },
        )
        for version in entry["versions"]:
            effective = dt.date.fromisoformat(version["effective_from"])
            PolicyVersion.objects.get_or_create(
                policy=policy,
                number=version["number"],
                defaults={
                    "label": version["label"],
                    "status": version["status"],
                    "effective_from": effective,
                    "document": seed_document(version["file"]),
                    "publish_reason": "Shipped with the application: "
                    + seed_document(version["file"])["source"],
                },
            )
    if not Policy.objects.filter(default_for_new_teams=True).exists():
        Policy.objects.filter(key=settings.DEFAULT_POLICY).update(default_for_new_teams=True)


def shipped_spec(key: str) -> PolicySpec:
    """The shipped policy ``key`` as its newest published seed version says, without the
    database (tests of what ships; the provider's live versions are read by selectors)."""
    from policies.documents import spec_from_document

    entry = next(entry for entry in catalogue() if entry["key"] == key)
    version = [v for v in entry["versions"] if v["status"] == "published"][-1]
    return spec_from_document(
        seed_document(version["file"]),
        key=key,
        short_name=entry["short_name"],
        name=entry["name"],
        version_label=version["label"],
    )


def shipped_keys() -> list[str]:
    return sorted(entry["key"] for entry in catalogue())
