import datetime as dt

from django import template

register = template.Library()


@register.filter
def iso_date(value: str, style: str = "short") -> str:
    """An ISO date from the report's figures, as 05/10/2026 (short) or 5 October 2026 (long)."""
    if not value:
        return ""
    day = dt.date.fromisoformat(value)
    return f"{day:%d/%m/%Y}" if style == "short" else f"{day.day} {day:%B %Y}"
