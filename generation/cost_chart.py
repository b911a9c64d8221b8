"""The Costs page's chart, drawn on the server as SVG: no chart library, no script.

Geometry only; templates/generation/_cost_chart.html draws it. Groups are horizontal bars, one
per row, longest the largest amount; days are vertical bars along the period's days. The chart
is one image to assistive technology (role="img" with a summary); the table beside it holds the
figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from avatarapp.money import usd
from generation.costs import Period, Row

WIDTH = 600
BAR_HEIGHT = 22  # one group's bar, with its name above it
GROUP_STEP = 44
DAYS_HEIGHT = 180
MOST_GROUPS = 12  # the table lists every group; the chart the largest ones


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # the group's name and amount, shown on hover (<title>)
    text_y: float

    def svg(self, with_text: bool) -> str:
        """The bar as SVG: its name on hover (<title>), above it too for groups. Coordinates
        with a few decimals and a dot whatever the language; the label escaped."""
        label = escape(self.label)
        text = (
            f'<text x="0" y="{self.text_y:.1f}" class="cost-chart-label">{label}</text>'
            if with_text
            else ""
        )
        return (
            f"<g><title>{label}</title>{text}"
            f'<rect x="{self.x:.2f}" y="{self.y:.2f}" width="{self.width:.2f}" '
            f'height="{self.height:.2f}" class="cost-chart-bar"></rect></g>'
        )


@dataclass(frozen=True)
class Chart:
    days: bool
    height: int
    bars: list[Bar]
    summary: str  # the aria-label
    first_day: date | None = None
    last_day: date | None = None

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def bars_svg(self) -> SafeString:
        """Every bar, written here rather than by a loop in the template: a year by day is 366
        bars, and the template's dozen nodes a bar cost ~0.08 ms each (make bench)."""
        return mark_safe("".join(bar.svg(not self.days) for bar in self.bars))  # noqa: S308


def _share(amount: Decimal, largest: Decimal) -> float:
    return float(amount / largest) if largest else 0.0


def chart(rows: list[Row], *, by: str, title: str, period: Period) -> Chart | None:
    if not rows:
        return None
    summary = f"Bar chart of spending by {title.lower()}. The table beside it has the figures."
    if by == "day":
        return _days(rows, period, summary)
    shown = sorted(rows, key=lambda row: row.spent, reverse=True)[:MOST_GROUPS]
    largest = max(row.spent for row in shown)
    bars = [
        Bar(
            x=0,
            y=index * GROUP_STEP + 18,
            width=max(_share(row.spent, largest) * WIDTH, 1),
            height=BAR_HEIGHT,
            label=f"{row.label}: {usd(row.spent)}",
            text_y=index * GROUP_STEP + 13,
        )
        for index, row in enumerate(shown)
    ]
    return Chart(days=False, height=len(shown) * GROUP_STEP + 4, bars=bars, summary=summary)


def _days(rows: list[Row], period: Period, summary: str) -> Chart:
    step = WIDTH / period.days
    largest = max(row.spent for row in rows)
    plot = DAYS_HEIGHT - 24  # room for the first and last day under the bars
    bars = []
    for row in rows:
        height = _share(row.spent, largest) * plot
        bars.append(
            Bar(
                x=(row.key - period.first).days * step,
                y=plot - height,
                width=max(step * 0.8, 1),
                height=height,
                label=f"{row.key:%d %b %Y}: {usd(row.spent)}",
                text_y=0,
            )
        )
    return Chart(
        days=True,
        height=DAYS_HEIGHT,
        bars=bars,
        summary=summary,
        first_day=period.first,
        last_day=period.last,
    )
