"""Data quality (DESIGN §10): plausibility checks over the stored records, each flag tied to its import."""

from rcdash.quality.checks import CHECKS, SEVERITY_LABELS, Check
from rcdash.quality.engine import (
    QualityInputError,
    as_json,
    completeness,
    counts,
    find_issues,
    flags_behind,
    mark_verified,
    open_issues,
    preview,
)

__all__ = ["CHECKS", "SEVERITY_LABELS", "Check", "QualityInputError", "as_json", "completeness", "counts",
           "find_issues", "flags_behind", "mark_verified", "open_issues", "preview"]
