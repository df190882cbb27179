"""County reporting (DESIGN §9): the reporting calendar, what each county owes, and on time / late / missing."""

from rcdash.reporting.calendar import Cycle, Duty, duties, parse_period, span
from rcdash.reporting.status import (
    STATUS_LABELS,
    KindStatus,
    ReportingView,
    mark_unreported,
    reporting_view,
    unreported_counties,
    unreported_words,
)

__all__ = ["STATUS_LABELS", "Cycle", "Duty", "KindStatus", "ReportingView", "duties", "mark_unreported",
           "parse_period", "reporting_view", "span", "unreported_counties", "unreported_words"]
