"""The layering rule: an app imports only apps below it (README "Architecture", DESIGN.md).

The imports are read from the source (every ``import`` statement, function-local ones too), so
a lazy import cannot hide a step up. Lazy model labels ("escalation.EscalationCase") and
``apps.get_model`` are not imports and stay allowed.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Bottom to top. Apps in one row may not import each other either.
LAYERS: list[tuple[str, ...]] = [
    ("policies",),  # policy as data: policies, versions, trigger kinds
    ("learners",),  # ground floor: learners, employers, teams, roles, records
    ("accounts", "audit"),  # cross-cutting: sessions and login protection; the audit trail
    ("notifications",),  # telling people: notifications, e-mails, letter rendering
    ("riskcases",),  # the learner's record: ratings, contacts, support
    ("escalation",),  # the engine: cases, moves, triggers, sweeps
    ("withdrawals",),  # decisions: withdrawal requests, approvals, appeals
    ("reports", "dataprotection"),  # reading everything
    ("demo",),  # the demo organisation's builders and seed_demo
    ("web",),  # the pages
]
LAYER_OF = {app: level for level, apps in enumerate(LAYERS) for app in apps}


def imported_modules(source: str) -> list[tuple[int, str]]:
    """Each absolute import in a module's source, with its line number."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def layering_violations(root: Path) -> list[str]:
    """'path:line imports <module> (app above or beside its own)' for every step up."""
    violations = []
    for app, level in LAYER_OF.items():
        for path in sorted((root / app).rglob("*.py")):
            for line, module in imported_modules(path.read_text()):
                target = module.split(".")[0]
                if target in LAYER_OF and target != app and LAYER_OF[target] >= level:
                    where = path.relative_to(root)
                    violations.append(f"{where}:{line} imports {module}")
    return violations


def test_it_finds_every_app_in_a_layer():
    packages = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert packages == set(LAYER_OF), "an app is missing from LAYERS (or LAYERS names a ghost)"


def test_it_keeps_every_app_below_the_apps_that_use_it():
    assert layering_violations(ROOT) == []


def test_it_reports_an_import_of_an_app_above(tmp_path):
    (tmp_path / "learners").mkdir()
    (tmp_path / "learners" / "models.py").write_text("from riskcases.models import RiskRating\n")
    (tmp_path / "escalation").mkdir()
    (tmp_path / "escalation" / "sweeps.py").write_text(
        "def run():\n    from web import cases\n    import withdrawals.services\n"
    )
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "sar.py").write_text("from dataprotection import sar_export\n")

    assert layering_violations(tmp_path) == [
        "learners/models.py:1 imports riskcases.models",
        "escalation/sweeps.py:2 imports web",
        "escalation/sweeps.py:3 imports withdrawals.services",
        "reports/sar.py:1 imports dataprotection",
    ]


def test_it_allows_imports_downwards_and_within_an_app(tmp_path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "cases.py").write_text(
        "from escalation.services import case_move\nfrom web.access import fetch\n"
    )
    assert layering_violations(tmp_path) == []
