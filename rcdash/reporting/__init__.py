"""County reporting (DESIGN §9): the reporting calendar, what each county owes, and on time / late / missing."""

from rcdash.reporting.calendar import Cycle, Duty, duties, parse_period, span
from rcdash.reporting.status import (
    METRIC_KIND_NAMES,
    STATUS_LABELS,
    KindStatus,
    ReportingView,
    drop_unreported_points,
    figure_note,
    mark_unreported,
    metric_unreported,
    reporting_view,
    unreported_among,
    unreported_counties,
    unreported_in,
    unreported_words,
)

__all__ = ["METRIC_KIND_NAMES", "STATUS_LABELS", "Cycle", "Duty", "KindStatus", "ReportingView", "drop_unreported_points", "duties",
           "figure_note", "mark_unreported", "metric_unreported", "parse_period", "reporting_view", "span", "unreported_among",
           "unreported_counties", "unreported_in", "unreported_words"]
