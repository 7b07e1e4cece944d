"""Letter rendering: an admin-edited LetterTemplate rendered in a sandbox, and its PDF copy.
What a letter says and looks like; sending it (and to whom) is escalation/letter_sending.py.

A template is Django template language with a short, documented list of variables
(LETTER_VARIABLES) and a few tags and filters. The sandbox:

- an Engine with no loaders and no template libraries; its only tags are ``if`` (with
  ``elif`` / ``else``), ``firstof`` and ``comment``, and its filters are in ALLOWED_FILTERS;
- every variable must be one of the listed names, used bare: ``{{ due_on|date:"j F Y" }}`` is
  allowed, ``{{ learner.tutor }}`` or ``{{ due_on.year }}`` is refused (the context holds only
  strings, numbers and dates, and nothing may reach behind them);
- the context is the plain dict the caller passes (built in escalation/letter_sending.py,
  which reads the learner, case and preset: notifications does not import escalation).

``letter_template_check`` is what the admin form runs: a template that does not compile or does
not render with SAMPLE_CONTEXT is a form error, so sending never meets a broken template.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.template import (
    Context,
    Engine,
    Template,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.template.base import FilterExpression, Lexer, Parser, TokenType, Variable
from django.template.library import Library
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

from notifications.models import WITHDRAWAL_CONFIRMATION, LetterTemplate

# --- the variables a letter may use -----------------------------------------------------------

COMMON_VARIABLES = {
    "provider_name": "The training provider's name",
    "today": 'Today\'s date (a date: use |date:"j F Y")',
    "learner_first_name": "The learner's first name",
    "learner_full_name": "The learner's full name",
    "uln": "The learner's ULN (Unique Learner Number)",
    "programme": "The programme type: apprenticeship, traineeship or short course",
    "course": "The course title",
    "employer_name": "The employer's name (empty when the learner has no employer)",
    "employer_mentor": "The workplace mentor's name (may be empty)",
    "tutor_name": "The learner's tutor / coach",
    "stage_name": "The stage's name in the policy, e.g. Stage 1",
}
STAGE_VARIABLES = {
    "stage_started_on": "The day the stage started (a date)",
    "due_on": "The stage's due date (a date; empty when the stage has no deadline)",
    "working_days": "The stage's deadline in working days (a number; empty without one)",
    "due_rule": 'The deadline in words, e.g. "within 5 working days, by Monday 30 November '
    '2026" (empty when the stage has no deadline)',
}
WITHDRAWAL_VARIABLES = {
    "withdrawn_on": "The day the withdrawal was completed (a date)",
    "last_day_of_learning": "The last day of learning (a date)",
    "ilr_reason": "The ILR withdrawal reason, code and description",
    "appeal_by": "The last day to appeal (a date)",
    "appeal_rule": 'The appeal window in words, e.g. "within 10 working days, by Friday 8 '
    'January 2027"',
}
LETTER_VARIABLES = COMMON_VARIABLES | STAGE_VARIABLES | WITHDRAWAL_VARIABLES


def variables_for(letter_key: str) -> dict[str, str]:
    if letter_key == WITHDRAWAL_CONFIRMATION:
        return COMMON_VARIABLES | WITHDRAWAL_VARIABLES
    return COMMON_VARIABLES | STAGE_VARIABLES


# Sample data: what the admin form renders a template with before saving it.
SAMPLE_CONTEXT = {
    "provider_name": "Example Training Ltd",
    "today": dt.date(2026, 11, 23),
    "learner_first_name": "Sam",
    "learner_full_name": "Sam Sample",
    "uln": "1234567890",
    "programme": "apprenticeship",
    "course": "Level 3 Business Administrator",
    "employer_name": "Example Employer Ltd",
    "employer_mentor": "Pat Mentor",
    "tutor_name": "Terry Tutor",
    "stage_name": "Stage 1",
    "stage_started_on": dt.date(2026, 11, 23),
    "due_on": dt.date(2026, 11, 30),
    "working_days": 5,
    "due_rule": "within 5 working days, by Monday 30 November 2026",
    "withdrawn_on": dt.date(2026, 11, 23),
    "last_day_of_learning": dt.date(2026, 11, 2),
    "ilr_reason": "44 Other personal reasons",
    "appeal_by": dt.date(2026, 12, 7),
    "appeal_rule": "within 10 working days, by Monday 7 December 2026",
}


def variables_help() -> str:
    lines = [f"{{{{ {name} }}}}: {text}" for name, text in LETTER_VARIABLES.items()]
    return (
        "Write in Django template language. Variables (the withdrawal-confirmation ones only in "
        "the withdrawal confirmation; the stage ones only in stage letters): "
        + "; ".join(lines)
        + ". Tags: {% if %} / {% elif %} / {% else %} / {% endif %}, {% firstof %}, "
        "{% comment %}. Filters: " + ", ".join(sorted(ALLOWED_FILTERS)) + "."
    )


# --- the sandbox ------------------------------------------------------------------------------

ALLOWED_TAGS = ("if", "firstof", "comment")
BLOCK_WORDS = frozenset({"if", "elif", "else", "endif", "firstof", "comment", "endcomment"})
IF_OPERATORS = frozenset(
    {"and", "or", "not", "in", "is", "==", "!=", "<", ">", "<=", ">=", "not in", "is not"}
)
ALLOWED_FILTERS = (
    "capfirst",
    "date",
    "default",
    "default_if_none",
    "lower",
    "pluralize",
    "title",
    "upper",
    "yesno",
)
LITERAL_NAMES = frozenset({"True", "False", "None"})

_library = Library()
for _tag in ALLOWED_TAGS:
    _library.tags[_tag] = defaulttags.register.tags[_tag]
for _filter in ALLOWED_FILTERS:
    _library.filters[_filter] = defaultfilters.register.filters[_filter]


def _engine() -> Engine:
    engine = Engine(loaders=[], libraries={}, autoescape=False, string_if_invalid="")
    # Only the sandbox's own tags and filters: no {% include %}, {% load %}, {% debug %}...
    engine.template_builtins = [_library]
    engine.template_libraries = {}
    return engine


_ENGINE = _engine()


def _check_variable(variable, allowed: dict[str, str], problems: list[str]) -> None:
    if not isinstance(variable, Variable) or variable.lookups is None:
        return  # a literal: "text" or a number
    name = ".".join(variable.lookups)
    if len(variable.lookups) > 1:
        problems.append(
            f"{{{{ {name} }}}}: letters use the listed variables only, never a part of one "
            f"(write {{{{ {variable.lookups[0]} }}}})."
        )
    elif name not in allowed and name not in LITERAL_NAMES:
        problems.append(f"{{{{ {name} }}}} is not a letter variable.")


def template_problems(source: str, letter_key: str) -> list[str]:
    """What is wrong with a template's source for this letter: unknown or dotted variables,
    tags or filters outside the sandbox. Empty when it may be compiled."""
    allowed = variables_for(letter_key)
    parser = Parser([], builtins=[_library])
    problems: list[str] = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.VAR:
            expressions = [token.contents]
        elif token.token_type == TokenType.BLOCK:
            bits = token.split_contents()
            if not bits or bits[0] not in BLOCK_WORDS:
                problems.append(f"{{% {token.contents} %}}: that tag is not allowed in letters.")
                continue
            expressions = [b for b in bits[1:] if b not in IF_OPERATORS]
        else:
            continue
        for expression in expressions:
            try:
                parsed = FilterExpression(expression, parser)
            except TemplateSyntaxError as exc:
                problems.append(str(exc))
                continue
            _check_variable(parsed.var, allowed, problems)
            for _func, args in parsed.filters:
                for is_lookup, arg in args:
                    if is_lookup:
                        _check_variable(arg, allowed, problems)
    return problems


def _compile(source: str, letter_key: str, field_name: str) -> Template:
    problems = template_problems(source, letter_key)
    if problems:
        raise ValidationError({field_name: problems})
    try:
        return Template(source, engine=_ENGINE)
    except TemplateSyntaxError as exc:
        raise ValidationError({field_name: f"The template does not compile: {exc}"}) from exc


def _render(template: Template, context: dict, field_name: str) -> str:
    try:
        return template.render(Context(dict(context), autoescape=False))
    except Exception as exc:  # a filter given a value it cannot take, say
        raise ValidationError(
            {field_name: f"The template does not render with the letter's data: {exc}"}
        ) from exc


def letter_template_check(*, subject: str, body: str, letter_key: str) -> None:
    """Compile and render with SAMPLE_CONTEXT; raise ValidationError per field if either
    fails (the admin form's clean)."""
    errors: dict[str, list] = {}
    for field_name, source in (("subject", subject), ("body", body)):
        try:
            _render(_compile(source, letter_key, field_name), SAMPLE_CONTEXT, field_name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


# --- rendering --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    body_text: str
    body_html: SafeString  # escaped whole, so safe to place in a page


def _tidy(text: str) -> str:
    # Lines that held only an {% if %} leave blank runs behind: at most one blank line.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def letter_render(*, template: LetterTemplate, context: dict) -> RenderedLetter:
    """Render a letter with ``context`` (only the keys of variables_for(letter_key) are passed
    in). The HTML is the text escaped whole (the variables and the admin's own words alike)
    and set in paragraphs, so nothing in a template or a learner's record becomes markup."""
    allowed = variables_for(template.letter_key)
    values = {key: value for key, value in context.items() if key in allowed}
    subject = _render(_compile(template.subject, template.letter_key, "subject"), values, "subject")
    body = _render(_compile(template.body, template.letter_key, "body"), values, "body")
    text = _tidy(body)
    return RenderedLetter(
        subject=" ".join(subject.split()),
        body_text=text,
        # linebreaks(autoescape=True) escapes every character of the text before adding <p>.
        body_html=mark_safe(linebreaks(text, autoescape=True)),
    )


# --- the PDF copy -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    provider_name: str
    date: dt.date
    recipients: tuple[str, ...] = ()  # "To: Sam Sample", "Copy: Example Ltd (Pat Mentor)"
    reference: str = ""  # "ULN 1234567890"
    extra: dict = field(default_factory=dict)


PDF_CSS = """
@page {
  size: A4;
  margin: 22mm 20mm 24mm 20mm;
  @top-right { content: "%(provider)s"; font-family: "DejaVu Sans", sans-serif; font-size: 9pt;
    color: #555; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages);
    font-family: "DejaVu Sans", sans-serif; font-size: 9pt;
    color: #555; }
}
body { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; line-height: 1.45;
  color: #111; }
header { border-bottom: 2px solid #1f3b5b; padding-bottom: 6mm; margin-bottom: 8mm; }
header h1 { font-size: 17pt; margin: 0; color: #1f3b5b; }
.meta { margin-top: 3mm; font-size: 9.5pt; color: #333; }
.meta p { margin: 0; }
h2 { font-size: 12pt; margin: 0 0 5mm 0; }
p { margin: 0 0 3.5mm 0; }
"""


def letter_pdf(rendered: RenderedLetter, *, letterhead: Letterhead) -> bytes:
    """An A4 PDF of the letter: the provider's name at the head of the first page and on every
    page, the date, who it goes to, and page numbers. DejaVu fonts are installed locally."""
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    provider = escape(letterhead.provider_name)
    css = PDF_CSS % {"provider": provider.replace('"', "'")}
    recipients = "".join(f"<p>{escape(line)}</p>" for line in letterhead.recipients)
    reference = f"<p>{escape(letterhead.reference)}</p>" if letterhead.reference else ""
    document = f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{escape(rendered.subject)}</title>
<style>{css}</style></head>
<body>
<header><h1>{provider}</h1>
<div class="meta"><p>{letterhead.date:%-d %B %Y}</p>{recipients}{reference}</div></header>
<h2>{escape(rendered.subject)}</h2>
{rendered.body_html}
</body></html>"""
    return HTML(string=document).write_pdf()
