"""The declared access policy: for every URL name, what each role gets.

One row per URL name (the Django admin is one group, by namespace). A row is written as
``role=outcome`` words, read left to right, later words overriding earlier ones:

- roles: ``tutor``, ``manager``, ``director``, ``safeguarding``, ``leaver-panel``, ``quality``,
  ``admin`` (a superuser), ``no-role`` (signed in, in no role group) and ``anonymous``;
  groups: ``all`` (every signed-in role), ``writers`` (tutor, manager, safeguarding, admin:
  those who write to a learner's record) and ``recorders`` (writers and director: those who
  record withdrawal steps and letters). ``anonymous`` is ``login`` unless a row says otherwise.
- outcomes: ``ok`` (200), ``403`` (refused: the role does not include the page), ``404``
  (hidden: outside the user's scope looks the same as not existing), ``405`` (wrong method),
  ``login`` (sent to log in), ``admin-login`` (sent to the admin's log-in page), ``site`` (the
  admin site serves it: 200, or the ModelAdmin's own answer: 403 for a read-only model's add
  page, a redirect inside the admin for a row that does not exist) and ``>name`` (a redirect to
  the page of that URL name: the action ran, or was refused with a message).

A URL whose answer depends on the object is declared twice: ``mine`` (the object is in the
user's scope: a learner on the tutor's caseload, in the manager's team; the user's own
notification; an import the manager uploaded) and ``other`` (the same kind of object outside
it: another tutor's and team's learner, someone else's notification or import). Where the
object's kind matters (a confidential safeguarding entry's attachment), a further variant is
declared, and ``mismatched`` (another learner's object under the address of a learner in
scope) where a URL names two objects. POST-only URLs are checked with a POST (an empty form:
the page shows its errors).

tests/config/test_access_matrix.py walks every URL from the resolver and checks each row as
each role; a URL without a row fails it. Policy sources: shared/policies and README ("Who sees
which learners", "Guards": quality / IQA and the leaver panel read but never write)."""

from dataclasses import dataclass

ROLES = (
    "tutor",
    "manager",
    "director",
    "safeguarding",
    "leaver-panel",
    "quality",
    "admin",
    "no-role",
    "anonymous",
)
SIGNED_IN = ROLES[:-1]
GROUPS = {
    "all": SIGNED_IN,
    "writers": ("tutor", "manager", "safeguarding", "admin"),
    "recorders": ("tutor", "manager", "safeguarding", "admin", "director"),
}
ADMIN_NAMESPACE = "admin"


@dataclass(frozen=True)
class Outcome:
    status: int
    redirect_to: str | None = None  # URL name a 302 leads to
    admin_site: bool = False  # "site": whatever the admin site answers a superuser

    def __str__(self) -> str:
        if self.admin_site:
            return "site"
        return f">{self.redirect_to}" if self.redirect_to else str(self.status)


def outcome(word: str) -> Outcome:
    if word == "ok":
        return Outcome(200)
    if word in ("403", "404", "405"):
        return Outcome(int(word))
    if word == "login":
        return Outcome(302, "login")
    if word == "admin-login":
        return Outcome(302, "admin:login")
    if word == "site":
        return Outcome(200, admin_site=True)
    if word.startswith(">") and len(word) > 1:
        return Outcome(302, word[1:])
    raise ValueError(f"Unknown outcome {word!r}")


def row(words: str) -> dict[str, Outcome]:
    """``"all=403 writers=ok"`` as a mapping of every role to its outcome."""
    table: dict[str, Outcome] = {"anonymous": outcome("login")}
    for word in words.split():
        who, _, what = word.partition("=")
        roles = GROUPS.get(who, (who,))
        if not what or any(role not in ROLES for role in roles):
            raise ValueError(f"Bad policy word {word!r}")
        for role in roles:
            table[role] = outcome(what)
    missing = set(ROLES) - set(table)
    if missing:
        raise ValueError(f"{words!r} declares nothing for {sorted(missing)}")
    return table


@dataclass(frozen=True)
class Rule:
    method: str
    variants: dict[str, dict[str, Outcome]]


def get(words: str = "", **variants: str) -> Rule:
    return _rule("GET", words, variants)


def post(words: str = "", **variants: str) -> Rule:
    return _rule("POST", words, variants)


def _rule(method: str, words: str, variants: dict[str, str]) -> Rule:
    declared = variants or {"any": words}
    return Rule(method, {name: row(text) for name, text in declared.items()})


# Reads of one learner (or their case or withdrawal): anyone who may see the learner; another
# tutor's or team's learner is hidden from a tutor and a manager.
SCOPED_READ = {"mine": "all=ok no-role=404", "other": "all=ok tutor=404 manager=404 no-role=404"}


def scoped(mine: str, hidden: str = "tutor=404 manager=404", method: str = "GET") -> Rule:
    """A learner-scoped page: ``mine`` as declared; ``other`` is the same but ``hidden`` (404)
    for the roles whose scope stops at their caseload or team (tutor and manager, both let in
    on ``mine``: their role check passes, then the scope hides the object)."""
    return _rule(method, "", {"mine": mine, "other": f"{mine} {hidden}"})


WRITE_PAGE = "all=403 writers=ok"  # a form on a learner's record (quality, panel read only)
RECORD_PAGE = "all=403 recorders=ok"  # withdrawal steps and letters: writers and directors
REGISTER_PAGE = "all=ok tutor=>learner_list no-role=>learner_list"  # a tutor has a caseload
LEAVER_READ = "all=403 leaver-panel=ok director=ok quality=ok admin=ok"

ACCESS_POLICY: dict[str, Rule] = {
    # --- signing in and the home page
    "home": get("all=>learner_list"),
    "login": get("all=>home anonymous=ok"),
    "logout": post("all=>login anonymous=>login"),
    "policy": get("all=ok"),
    "policy_version": get("all=ok"),
    # Directors publish and retire versions (an empty form: the page shows its errors).
    "policy_version_publish": post("all=403 director=ok admin=ok"),
    "policy_version_retire": post("all=403 director=ok admin=ok"),
    # Managers move their teams' open cases onto a newer version; directors anyone's.
    "policy_version_move_cases": get("all=403 manager=ok director=ok admin=ok"),
    # --- learners (lists show only the user's scope, so every role may open them)
    "learner_list": get("all=ok"),
    "learner_enrol": get("all=403 manager=ok admin=ok"),
    "break_list": get("all=ok"),
    "learner_detail": get(**SCOPED_READ),
    "rating_change": scoped(WRITE_PAGE),
    "support_create": scoped(WRITE_PAGE),
    "record_create": scoped(WRITE_PAGE),
    "contact_create": scoped(WRITE_PAGE),
    "break_start": scoped(WRITE_PAGE),
    # The learner decided to leave (tutor, manager, director); the safeguarding team raises
    # only an ending under another policy, where the version has one (not the default's).
    "withdrawal_outside_ladder": scoped("all=403 writers=ok safeguarding=>learner_detail"),
    "break_return": scoped(WRITE_PAGE),
    "break_return_date": scoped(WRITE_PAGE),
    "risk_notification_decide": scoped(WRITE_PAGE, method="POST"),
    "action_toggle": post(
        mine="all=403 writers=>learner_detail",
        other="all=403 writers=>learner_detail tutor=404 manager=404",
        # Another learner's action under one's own learner's address is no way in.
        mismatched="all=403 writers=404",
    ),
    "attachment_download": get(
        **SCOPED_READ,
        # Policy: safeguarding disclosures are shared only with the safeguarding team (not
        # managers, directors or administrators); an attachment of one is hidden from the rest.
        mine_confidential="all=404 safeguarding=ok",
        mismatched="all=404",
    ),
    "evidence_pack": post(**SCOPED_READ),
    # A subject access export holds confidential safeguarding entries (unless withheld), so it
    # is the safeguarding team's (the data protection lead holds that role).
    "subject_access": get("all=403 safeguarding=ok"),
    # --- the audit trail: directors and quality / IQA (and the admin) read it
    "audit_list": get("all=403 director=ok quality=ok admin=ok"),
    # --- cases and stage letters
    "case_list": get("all=ok"),
    "case_detail": get(**SCOPED_READ),
    "case_letter": get(**SCOPED_READ),
    "case_letter_skip": scoped(RECORD_PAGE, method="POST"),
    # Writers and directors reach the move view; each move then names its own roles, and a
    # refused one shows the case page again with the reason (a director's close, say).
    "case_move": scoped(RECORD_PAGE, method="POST"),
    "case_recommendation": scoped(RECORD_PAGE, method="POST"),
    "case_task_done": scoped(RECORD_PAGE, method="POST"),
    "case_review": scoped(RECORD_PAGE, method="POST"),
    "case_recommendation_email": scoped("all=403 recorders=>case_detail", method="POST"),
    # --- withdrawals and appeals (directors decide; managers and quality read the queue)
    "withdrawal_queue": get("all=403 manager=ok director=ok quality=ok admin=ok"),
    "withdrawal_detail": get(**SCOPED_READ),
    "withdrawal_raise": scoped("all=403 recorders=>case_detail", method="POST"),
    "withdrawal_decide": post("all=403 director=ok admin=ok"),
    "employer_agreement_create": scoped(RECORD_PAGE, method="POST"),
    "employer_agreement_download": get(**SCOPED_READ),
    "exit_review_create": scoped(RECORD_PAGE),
    "confirmation_create": scoped(RECORD_PAGE, method="POST"),
    "withdrawal_confirmation_letter": scoped("all=403 recorders=>withdrawal_detail", method="POST"),
    "appeal_create": scoped(RECORD_PAGE, method="POST"),
    "appeal_decide": post("all=403 director=ok admin=ok"),
    "appeal_accept_late": post("all=403 director=ok admin=ok"),
    # --- imports: a manager sees their own uploads, directors every upload
    "import_list": get("all=403 manager=ok director=ok admin=ok"),
    "import_detail": scoped("all=403 manager=ok director=ok admin=ok", hidden="manager=404"),
    "import_apply": scoped(
        "all=403 manager=>import_detail director=>import_detail admin=>import_detail",
        hidden="manager=404",
        method="POST",
    ),
    # --- the register and its exports (rows limited to the user's scope)
    "register": get(REGISTER_PAGE),
    "register_export": get(REGISTER_PAGE),
    "register_overdue": get(REGISTER_PAGE),
    "team_workload": get(REGISTER_PAGE),
    # --- the leaver panel (organisation-wide figures, no learner scope)
    "leaver_cycles": get(LEAVER_READ),
    "leaver_archive": get(LEAVER_READ),
    "leaver_generate": post("all=403 leaver-panel=>leaver_cycles admin=>leaver_cycles"),
    "leaver_report_detail": get(LEAVER_READ),
    "leaver_report_status": get(LEAVER_READ),
    "leaver_report_download": get(LEAVER_READ),
    # --- notifications: one's own only
    "notification_list": get("all=ok"),
    "notification_preferences": get("all=ok"),
    "notification_read_all": post("all=>notification_list"),
    "notification_open": get(mine="all=>case_list", other="all=404"),
    "notification_read": post(mine="all=>notification_list", other="all=404"),
}

# The Django admin, every URL in its namespace: superusers only; anyone else is sent to the
# admin's log-in page (where a signed-in user without staff status is told so).
ADMIN_POLICY: dict[str, Rule] = {
    "*": get("all=admin-login admin=site anonymous=admin-login"),
    "admin:login": get("all=ok admin=>admin:index anonymous=ok"),
    # Someone not signed in to the admin is sent to its index; a superuser is signed out
    # (LOGOUT_REDIRECT_URL).
    "admin:logout": post("all=>admin:index admin=>login anonymous=>admin:index"),
}


def rule_for(url_name: str) -> Rule | None:
    """The declared rule of a URL name (``namespace:name`` for namespaced ones), or None."""
    namespace = url_name.rpartition(":")[0]
    if namespace == ADMIN_NAMESPACE:
        return ADMIN_POLICY.get(url_name, ADMIN_POLICY["*"])
    return ACCESS_POLICY.get(url_name)


def policy_table() -> str:
    """The whole policy as a Markdown table (``python -m config.access_policy``)."""
    lines = [
        "| URL name | method | variant | " + " | ".join(ROLES) + " |",
        "|---" * (len(ROLES) + 3) + "|",
    ]
    for name, rule in {**ACCESS_POLICY, **ADMIN_POLICY}.items():
        for variant, table in rule.variants.items():
            cells = " | ".join(str(table[role]) for role in ROLES)
            lines.append(f"| {name} | {rule.method} | {variant} | {cells} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(policy_table())
