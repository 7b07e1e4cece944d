"""The leaver panel report as an A4 PDF (WeasyPrint), printed from the figures alone."""

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone

from reports.charts import Series, bar_chart_svg


def _charts(figures: dict) -> dict:
    trend = figures["trend"]
    categories = [row["label"] for row in trend]
    per_cycle = ", ".join(f"{row['label']}: {row['total']}" for row in trend)
    by_programme = [
        Series(name, [row["by_programme"][i] for row in trend])
        for i, name in enumerate(figures["trend_programmes"])
    ]
    return {
        "per_cycle": bar_chart_svg(
            title="Leavers per cycle",
            desc=f"Leavers in this cycle and the {len(trend) - 1} before it, each cycle by its "
            f"first day. {per_cycle}.",
            categories=categories,
            series=[Series("Leavers", [row["total"] for row in trend])],
            chart_id="chart-cycles",
        ),
        "by_programme": bar_chart_svg(
            title="Leavers per cycle by programme",
            desc="Each cycle's leavers split by programme type; the table below gives the numbers.",
            categories=categories,
            series=by_programme or [Series("Leavers", [0] * len(trend))],
            chart_id="chart-programmes",
        ),
    }


def leaver_report_html(*, figures: dict, generated_by: str, generated_at: dt.datetime) -> str:
    return render_to_string(
        "reports/leaver_report_pdf.html",
        {
            "f": figures,
            "charts": _charts(figures),
            "generated_by": generated_by,
            "generated_at": timezone.localtime(generated_at),
        },
    )


def leaver_report_pdf(*, figures: dict, generated_by: str, generated_at: dt.datetime) -> bytes:
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    html = leaver_report_html(figures=figures, generated_by=generated_by, generated_at=generated_at)
    return HTML(string=html).write_pdf()
