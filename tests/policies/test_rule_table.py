"""The rule tables (docs/policies/*.md) and the tests stay in step: a row names tests that exist,
and every policy rule's test (test_rule_<policy>_...) is named by a row of a table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLES = sorted((ROOT / "docs" / "policies").glob("*.md"))
POLICY_PREFIXES = ("bpn", "makers", "mtt", "aspiration")
DEFINED = re.compile(r"^\s*def (test_rule_\w+)\(", re.MULTILINE)
NAMED = re.compile(r"`(test_rule_\w+)`")


def defined_rule_tests() -> set[str]:
    return {
        name
        for path in (ROOT / "tests").rglob("test_*.py")
        for name in DEFINED.findall(path.read_text())
    }


def table_rows(path: Path) -> list[str]:
    return [
        line
        for line in path.read_text().splitlines()
        if line.startswith("|") and not set(line) <= set("|-: ")
    ][1:]  # the header row


def test_every_policy_has_a_rule_table():
    assert {path.stem for path in TABLES} >= {*POLICY_PREFIXES, "all"}


def test_every_test_a_row_names_exists():
    defined = defined_rule_tests()
    named = {name for path in TABLES for name in NAMED.findall(path.read_text())}
    assert named - defined == set()


def test_every_policy_rule_test_is_named_by_a_row():
    named = {name for path in TABLES for name in NAMED.findall(path.read_text())}
    policy_tests = {
        name
        for name in defined_rule_tests()
        if name.removeprefix("test_rule_").split("_")[0] in POLICY_PREFIXES
    }
    assert policy_tests - named == set()


def test_every_row_names_a_test_and_nothing_is_missing():
    for path in TABLES:
        for row in table_rows(path):
            assert NAMED.search(row), f"{path.name}: a row names no test: {row[:80]}"
            assert "missing" not in row.lower(), f"{path.name}: {row[:80]}"
