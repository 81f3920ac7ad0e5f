"""Geometry for the dashboard's server-rendered SVG charts; templates draw them, CSS colours them.

The charts are simple (a calendar of study days and bar charts), so they are laid out here in a few lines rather
than by a charting library; every chart also comes with a text summary and a data table in the template.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from tutor.progress.selectors import DayActivity


@dataclass(frozen=True)
class HeatCell:
    x: int
    y: int
    day: dt.date
    reviews: int
    level: int


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


def calendar_heatmap(activity: dict[dt.date, DayActivity], today: dt.date, days: int = 90) -> Heatmap:
    """One square per day for the last `days` days, a column per week starting on Monday."""
    cell, gap, top, left = 14, 3, 18, 0
    first = today - dt.timedelta(days=days - 1)
    start = first - dt.timedelta(days=first.weekday())
    counts = [activity[d].reviews for d in activity if first <= d <= today]
    peak = max(counts, default=0)
    cells, labels = [], []
    day = first
    while day <= today:
        column = (day - start).days // 7
        reviews = activity[day].reviews if day in activity else 0
        level = 0 if reviews == 0 else min(4, 1 + int(3 * reviews / peak)) if peak else 0
        cells.append(HeatCell(left + column * (cell + gap), top + day.weekday() * (cell + gap), day, reviews, level))
        x = left + column * (cell + gap)
        if (day.day == 1 or day == first) and (not labels or x - labels[-1][0] >= 3 * (cell + gap)):
            labels.append((x, day.strftime("%b")))
        day += dt.timedelta(days=1)
    columns = (today - start).days // 7 + 1
    return Heatmap(
        cells=cells,
        month_labels=labels,
        width=left + columns * (cell + gap),
        height=top + 7 * (cell + gap),
        cell=cell,
        first_day=first,
        last_day=today,
        total_reviews=sum(counts),
        days_studied=sum(1 for c in counts if c),
    )


@dataclass(frozen=True)
class Bar:
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


def bar_chart(points: list[tuple[str, int]], *, width: int = 640, height: int = 200, tick_every: int = 1) -> BarChart:
    """Vertical bars for (label, value) points with a rounded y scale and a few gridlines."""
    top, bottom, left, right = 10, height - 28, 36, 4
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
    return BarChart(bars, width, height, top, bottom, y_max, gridlines)


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
