"""Geometry for the dashboard's server-rendered SVG charts; templates draw them, CSS colours them.

The charts are simple (a calendar of study days and bar charts), so they are laid out here in a few lines rather
than by a charting library; every chart also comes with a text summary and a data table in the template.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import NamedTuple

from django.utils.safestring import SafeString, mark_safe

from tutor.progress.selectors import RECENT_DAYS, DayActivity


def _n(value: float) -> str:
    """A coordinate as SVG wants it: plain digits, never localised (no thousands separators, no decimal comma)."""
    return f"{value:g}"


# Day and month names as `%a` and `%b` give them in English, looked up rather than formatted: a chart names a few
# hundred days per page.
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_label(day: dt.date, *, weekday: bool = True, year: bool = False) -> str:
    """A day in words as the charts and their tables show it: "Tue 24 Nov", "24 Nov", "Tue 24 Nov 2026"."""
    label = f"{day.day} {MONTH_NAMES[day.month - 1]}"
    if weekday:
        label = f"{WEEKDAY_NAMES[day.weekday()]} {label}"
    return f"{label} {day.year}" if year else label


def table_rows(rows: Iterable[tuple[str, int]]) -> SafeString:
    """The rows of a chart's two-column data table (a label, a count), as `<tr>` elements."""
    # Built from counts and escaped text only.
    return mark_safe("".join(f"<tr><td>{escape(label)}</td><td>{value}</td></tr>" for label, value in rows))


class HeatCell(NamedTuple):
    x: int
    y: int
    day: dt.date
    reviews: int
    level: int

    @property
    def label(self) -> str:
        """The day in words, e.g. "Tue 24 Nov 2026"."""
        return day_label(self.day, year=True)


@dataclass(frozen=True)
class Heatmap:
    cells: list[HeatCell]
    month_labels: list[tuple[int, str]]
    width: int
    height: int
    cell: int
    first_day: dt.date
    last_day: dt.date
    total_reviews: int
    days_studied: int
    weekday_labels: tuple[tuple[int, str], ...] = ()

    @property
    def studied_cells(self) -> list[HeatCell]:
        return [c for c in self.cells if c.reviews]

    def table_rows(self) -> SafeString:
        """The studied days as rows of the calendar's data table: the day in words and its answers."""
        return table_rows((c.label, c.reviews) for c in self.cells if c.reviews)

    def svg(self) -> SafeString:
        """The calendar as inline SVG, labelled by the element with id "heatmap-summary"."""
        title = (
            f"Answers per day, {day_label(self.first_day, weekday=False)} to "
            f"{day_label(self.last_day, weekday=False, year=True)}, one square per day, darker for more"
        )
        parts = [
            f'<svg class="chart heatmap" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-labelledby="heatmap-title heatmap-summary"><title id="heatmap-title">{escape(title)}</title>'
        ]
        parts += [f'<text x="{x}" y="12" class="chart-label">{label}</text>' for x, label in self.month_labels]
        parts += [
            f'<text x="{HEATMAP_LEFT - 6}" y="{y + self.cell - 3}" class="chart-label" text-anchor="end">{label}</text>'
            for y, label in self.weekday_labels
        ]
        parts += [
            f'<rect x="{c.x}" y="{c.y}" width="{self.cell}" height="{self.cell}" rx="3" class="heat-{c.level}">'
            f"<title>{c.label}: {c.reviews} answer{'' if c.reviews == 1 else 's'}</title></rect>"
            for c in self.cells
        ]
        parts.append("</svg>")
        return mark_safe("".join(parts))  # built from numbers, dates and escaped text only


HEATMAP_LEFT = 32  # room for the weekday labels


def calendar_heatmap(activity: dict[dt.date, DayActivity], today: dt.date, days: int = RECENT_DAYS) -> Heatmap:
    """One square per day for the last `days` days, a column per week starting on Monday, the weekdays named on
    the left and each month named above its first week (never past the right edge)."""
    cell, gap, top, left = 14, 3, 20, HEATMAP_LEFT
    first = today - dt.timedelta(days=days - 1)
    start = first - dt.timedelta(days=first.weekday())
    columns = (today - start).days // 7 + 1
    width = left + columns * (cell + gap)
    label_width = 3 * (cell + gap)  # a month's abbreviation at the chart's font size
    counts = [activity[d].reviews for d in activity if first <= d <= today]
    peak = max(counts, default=0)
    cells, labels = [], []
    day = first
    while day <= today:
        column = (day - start).days // 7
        reviews = activity[day].reviews if day in activity else 0
        level = 0 if reviews == 0 else min(4, 1 + int(3 * reviews / peak)) if peak else 0
        x = left + column * (cell + gap)
        cells.append(HeatCell(x, top + day.weekday() * (cell + gap), day, reviews, level))
        fits = x + label_width <= width and (not labels or x - labels[-1][0] >= label_width)
        if (day.day == 1 or day == first) and fits:
            labels.append((x, MONTH_NAMES[day.month - 1]))
        day += dt.timedelta(days=1)
    weekdays = tuple((top + n * (cell + gap), name) for n, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"), (6, "Sun")))
    return Heatmap(
        cells=cells,
        month_labels=labels,
        width=width,
        height=top + 7 * (cell + gap),
        cell=cell,
        first_day=first,
        last_day=today,
        total_reviews=sum(counts),
        days_studied=sum(1 for c in counts if c),
        weekday_labels=weekdays,
    )


class Bar(NamedTuple):
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    tick: bool


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    y_max: int
    gridlines: list[tuple[float, int]]
    left: int = 36

    def table_rows(self) -> SafeString:
        """The bars as rows of the chart's data table: each label and its value."""
        return table_rows((bar.label, bar.value) for bar in self.bars)

    def svg(self, *, chart_id: str, title: str) -> SafeString:
        """The chart as inline SVG, labelled by its title and the element with id "<chart_id>-summary"."""
        parts = [
            f'<svg class="chart bars" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-summary">',
            f'<title id="{chart_id}-title">{escape(title)}</title>',
        ]
        for y, value in self.gridlines:
            parts.append(
                f'<line x1="{self.left}" x2="{self.width}" y1="{_n(y)}" y2="{_n(y)}" class="gridline"/>'
                f'<text x="{self.left - 5}" y="{_n(y)}" dy="4" class="chart-label" text-anchor="end">{value}</text>'
            )
        for bar in self.bars:
            parts.append(
                f'<rect x="{_n(bar.x)}" y="{_n(bar.y)}" width="{_n(bar.width)}" height="{_n(bar.height)}" class="bar">'
                f"<title>{escape(bar.label)}: {bar.value}</title></rect>"
            )
            if bar.tick:
                # A label that would run past the right edge ends at it instead (about 6 units a character).
                fits = bar.x + 6 * len(bar.label) <= self.width
                x, anchor = (bar.x, "start") if fits else (self.width - 1, "end")
                parts.append(
                    f'<text x="{_n(x)}" y="{self.height - 6}" class="chart-label" text-anchor="{anchor}">'
                    f"{escape(bar.label)}</text>"
                )
        parts.append(
            f'<line x1="{self.left}" x2="{self.width}" y1="{self.plot_bottom}" y2="{self.plot_bottom}" class="axis"/>'
        )
        parts.append("</svg>")
        return mark_safe("".join(parts))  # built from numbers and escaped text only


def bar_chart(points: list[tuple[str, int]], *, width: int = 360, height: int = 170, tick_every: int = 1) -> BarChart:
    """Vertical bars for (label, value) points with a rounded y scale and a few gridlines.

    The view box is about a phone's width, so that its labels are drawn near their own size on a phone; on a wide
    screen the chart is capped in CSS."""
    top, bottom, left, right = 10, height - 24, 36, 4
    peak = max((value for _, value in points), default=0)
    y_max = _nice_ceiling(peak)
    step = (width - left - right) / max(len(points), 1)
    scale = (bottom - top) / y_max if y_max else 0
    bars = [
        Bar(
            x=round(left + index * step + step * 0.12, 2),
            y=round(bottom - value * scale, 2),
            width=round(step * 0.76, 2),
            height=round(value * scale, 2),
            label=label,
            value=value,
            tick=index % tick_every == 0,
        )
        for index, (label, value) in enumerate(points)
    ]
    gridlines = [(round(bottom - v * scale, 2), v) for v in _ticks(y_max)] if y_max else []
    return BarChart(bars, width, height, top, bottom, y_max, gridlines, left)


def _nice_ceiling(value: int) -> int:
    if value <= 0:
        return 0
    magnitude = 10 ** int(math.log10(value))
    for multiple in (1, 2, 5, 10):
        if value <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _ticks(y_max: int) -> list[int]:
    return sorted({0, y_max // 2, y_max}) if y_max >= 2 else [0, y_max]


@dataclass(frozen=True)
class CalibrationPoint:
    x: float
    y: float
    radius: float
    predicted: float
    observed: float
    count: int


@dataclass(frozen=True)
class CalibrationChart:
    points: list[CalibrationPoint]
    size: int
    left: int
    bottom: int
    ticks: list[tuple[float, str]]


def calibration_chart(bins, *, size: int = 320) -> CalibrationChart:
    """Predicted recall (across) against observed recall (up) per bin, each dot sized by its review count; the
    diagonal is perfect calibration."""
    left, top, right, bottom = 40, 10, 10, size - 30
    span_x, span_y = size - left - right, bottom - top
    most = max((b.count for b in bins), default=0)
    points = [
        CalibrationPoint(
            x=round(left + b.predicted * span_x, 2),
            y=round(bottom - b.observed * span_y, 2),
            radius=round(3 + 9 * math.sqrt(b.count / most), 2) if most else 3,
            predicted=b.predicted,
            observed=b.observed,
            count=b.count,
        )
        for b in bins
    ]
    ticks = [(round(v, 2), f"{int(v * 100)}%") for v in (0.0, 0.5, 1.0)]
    return CalibrationChart(points, size, left, bottom, ticks)
