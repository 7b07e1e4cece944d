"""What the policies app needs from the apps above it, asked through two hooks: policies is the
lowest layer, so it imports none of them; they plug in when Django starts (their apps.py).

- ``letter_keys``: the stage letters a policy has templates for (notifications), which a
  version's stages may name. Unplugged (None): the letter check is skipped.
- ``version_published``: sent after a publication commits; notifications tells the staff."""

from collections.abc import Callable

from django.dispatch import Signal

LetterKeys = Callable[[str], frozenset[str]]
_letter_keys_source: list[LetterKeys] = []

# Sent with ``version`` (the PolicyVersion just published), after the transaction commits.
version_published = Signal()


def letter_keys_source_set(source: LetterKeys) -> None:
    _letter_keys_source[:] = [source]


def letter_keys(*, policy_key: str) -> frozenset[str] | None:
    """The letter keys stage letters of ``policy_key`` may name (None: nobody said)."""
    return _letter_keys_source[0](policy_key) if _letter_keys_source else None
