"""The hostile table's fields come from the forms themselves.

Two readings of the app, so a new form or field cannot be missed:

- statically, every view the URL resolver reaches and the form classes it names (directly, through
  a helper in the project, a formset, a FilterSet or a table of forms such as the activity record
  kinds): ``reachable_forms()``;
- at run time, what a request really binds and reads: ``watching()`` records each form that is
  cleaned (with its fields as the request built them, dynamic ones included) and every parameter
  the view reads from the query string or the body outside a form.

``field_kind()`` names the payload list (tests/hostile/payloads.py) for each kind of form field;
a field of a kind it does not know fails the tests."""

import inspect
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.forms.formsets import BaseFormSet
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver

PROJECT_APPS = {
    "accounts",
    "audit",
    "dataprotection",
    "escalation",
    "learners",
    "notifications",
    "policies",
    "reports",
    "riskcases",
    "web",
    "withdrawals",
}
# Read by Django itself on every form post, never by a view.
FRAMEWORK_PARAMETERS = {"csrfmiddlewaretoken"}

# Most specific first: a ModelMultipleChoiceField is a ModelChoiceField is a ChoiceField, a
# UUIDField is a CharField, a NullBooleanField is a BooleanField.
FIELD_KINDS: list[tuple[type[forms.Field], str]] = [
    (forms.ModelMultipleChoiceField, "multi"),
    (forms.MultipleChoiceField, "multi"),
    (forms.ModelChoiceField, "choice"),
    (forms.ChoiceField, "choice"),
    (forms.BooleanField, "bool"),
    (forms.DateTimeField, "datetime"),
    (forms.DateField, "date"),
    (forms.IntegerField, "number"),
    (forms.DecimalField, "number"),
    (forms.FloatField, "number"),
    (forms.UUIDField, "uuid"),
    (forms.FileField, "file"),
    (forms.CharField, "text"),
]


def field_kind(form_field: forms.Field) -> str:
    for cls, kind in FIELD_KINDS:
        if isinstance(form_field, cls):
            return kind
    raise LookupError(f"{type(form_field).__name__}: add its kind to FIELD_KINDS and payloads")


# --- the URL tree and the forms its views name ---------------------------------------------


def url_views(patterns=None, namespace: str = "") -> dict[str, Callable]:
    """Every named URL (the Django admin's aside: superusers only, Django's own forms) and its
    view."""
    found = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if inner != "admin:":
                found |= url_views(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found[namespace + pattern.name] = pattern.callback
    return found


def _ours(obj) -> bool:
    return getattr(obj, "__module__", "").split(".")[0] in PROJECT_APPS


def _forms_in_value(value, depth: int = 0) -> set[type]:
    """Form classes in a module-level value: a form, formset or FilterSet class, or a table of
    them (a dict, list or records with a ``form``)."""
    if depth > 2:
        return set()
    if isinstance(value, type):
        if issubclass(value, BaseFormSet):
            return {value.form}
        # A form built by a factory function (the activity records') names Django's module;
        # one of its bases is ours.
        ours = any(_ours(base) for base in value.__mro__)
        if issubclass(value, forms.BaseForm | django_filters.FilterSet) and ours:
            return {value}
        return set()
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return set().union(*(_forms_in_value(v, depth + 1) for v in value))
    if _ours(type(value)) and hasattr(value, "form"):
        return _forms_in_value(value.form, depth + 1)
    return set()


def _code_objects(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def forms_named_by(view: Callable, seen: set | None = None) -> set[type]:
    """The form classes a view (and the project's functions it calls) names."""
    seen = set() if seen is None else seen
    view_class = getattr(view, "view_class", None)
    if view_class is not None:  # a class-based view: its form, as configured in the URL
        initkwargs = getattr(view, "view_initkwargs", {})
        form_class = initkwargs.get("authentication_form") or initkwargs.get("form_class")
        form_class = form_class or getattr(view_class, "form_class", None)
        return _forms_in_value(form_class) if form_class else set()
    func = inspect.unwrap(view)
    if func in seen or not isinstance(func, types.FunctionType):
        return set()
    seen.add(func)
    found: set[type] = set()
    for code in _code_objects(func.__code__):
        for name in code.co_names:
            value = func.__globals__.get(name)
            found |= _forms_in_value(value)
            if isinstance(value, types.FunctionType) and _ours(value):
                found |= forms_named_by(value, seen)
    return found


def reachable_forms() -> dict[type, set[str]]:
    """Each form class the URL tree reaches, with the URL names whose views name it."""
    reached: dict[type, set[str]] = {}
    for name, view in url_views().items():
        for form_class in forms_named_by(view):
            reached.setdefault(form_class, set()).add(name)
    return reached


# --- what one request binds and reads -------------------------------------------------------


def form_identity(form: forms.BaseForm) -> type:
    """The class the static reading names: a FilterSet for its generated form."""
    return getattr(type(form), "filterset", type(form))


@dataclass
class Watched:
    bound: list[forms.BaseForm] = field(default_factory=list)
    read: set[str] = field(default_factory=set)

    def fields(self) -> dict[str, forms.Field]:
        """Each bound form's fields under the names the request carries them (a formset's
        prefix included); of a formset's forms, the first stands for the rest."""
        found, classes = {}, set()
        for form in self.bound:
            if type(form) in classes:
                continue
            classes.add(type(form))
            found |= {form.add_prefix(name): f for name, f in form.fields.items()}
        return found

    def parameters(self) -> set[str]:
        """What the view read outside its forms (a file input's "clear" box is its form's)."""
        of_forms = set()
        for form in self.bound:
            for name, form_field in form.fields.items():
                of_forms.add(form.add_prefix(name))
                if isinstance(form_field, forms.FileField):
                    of_forms.add(
                        form.fields[name].widget.clear_checkbox_name(form.add_prefix(name))
                    )
        return self.read - of_forms - FRAMEWORK_PARAMETERS


@contextmanager
def watching() -> Iterator[Watched]:
    watched = Watched()
    full_clean = forms.BaseForm.full_clean
    get_form_class = django_filters.FilterSet.get_form_class
    readers = {name: getattr(QueryDict, name) for name in ("get", "getlist", "__getitem__")}
    contains = QueryDict.__contains__

    def recording_full_clean(self):
        if self.is_bound:
            watched.bound.append(self)
        return full_clean(self)

    def tagged_form_class(self):
        form_class = get_form_class(self)
        form_class.filterset = type(self)
        return form_class

    def reader(original):
        def read(self, key, *args, **kwargs):
            watched.read.add(key)
            return original(self, key, *args, **kwargs)

        return read

    def recording_contains(self, key):
        watched.read.add(key)
        return contains(self, key)

    forms.BaseForm.full_clean = recording_full_clean
    django_filters.FilterSet.get_form_class = tagged_form_class
    for name, original in readers.items():
        setattr(QueryDict, name, reader(original))
    QueryDict.__contains__ = recording_contains
    try:
        yield watched
    finally:
        forms.BaseForm.full_clean = full_clean
        django_filters.FilterSet.get_form_class = get_form_class
        for name, original in readers.items():
            setattr(QueryDict, name, original)
        QueryDict.__contains__ = contains
