"""The briefing as a model independent of its format: numbers, paragraphs, tables, figures, sections."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from rcdash.labels import RATE_DIGITS, fmt_count, fmt_number, fmt_rate
from rcdash.metrics.period import Period

ORGANISATION = "绍兴市红十字会"
DEMO_NOTE = "示例数据：本报告由自动生成的演示数据得出，不是真实统计。"
NO_SHORTFALL = "各项计划要求均已达标。"
# Short column headers for the documents' tables (the metric names are too long for a table header).
SHORT = {
    "villages_total": "村（社区）总数", "villages_with_branch": "已建会", "village_branch_rate": "建会率",
    "population": "常住人口", "adult_members": "成人会员", "member_ratio": "会员占比",
    "sites_center": "服务中心", "sites_base": "服务基地", "sites_station": "服务站", "sites_point": "服务点",
    "rescue_teams_with_party": "救援队党组织", "volunteer_teams_20plus": "志愿队20人+",
    "brand_projects": "一地一品", "funds": "博爱基金", "weekly_voice_rate": "周周有声音",
    "monthly_theme_rate": "月月有主题",
}


@dataclass(frozen=True)
class Num:
    """A number in a table: shown like everywhere else in the product, written to Excel as a number."""

    value: float | int | None
    unit: str  # 'rate' (fraction), 'count', 'people', 'score' (0–100, one decimal), 'share' (of a target, a fraction)
    digits: int = RATE_DIGITS  # decimals of a rate or share (the member ratio has two: labels.MEMBER_RATIO_DIGITS)

    @property
    def missing(self) -> bool:
        """No value (无数据)."""
        return self.value is None or (isinstance(self.value, float) and math.isnan(self.value))

    @property
    def text(self) -> str:
        """The value as users read it: 42.2%, 1,234, 87.5, 无数据."""
        if self.unit == "score":
            return fmt_number(self.value, 1)
        if self.unit == "share":
            return "—" if self.missing else fmt_rate(self.value, self.digits)
        if self.unit == "rate":
            return fmt_rate(self.value, self.digits)
        return fmt_count(self.value)

Cell = str | Num


def cell_text(cell: Cell) -> str:
    """What a table cell shows."""
    return cell.text if isinstance(cell, Num) else cell


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of prose (note=True: a smaller explanatory note)."""

    text: str
    note: bool = False


@dataclass(frozen=True)
class Table:
    """A table: `key` names its Excel sheet; `status_colours` colours 达标/未达标/无数据 cells."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    widths: tuple[float, ...] = ()  # relative column widths for DOCX and PDF; empty = equal
    status_colours: bool = False

    def texts(self) -> list[list[str]]:
        """Every row as the strings the documents show."""
        return [[cell_text(c) for c in row] for row in self.rows]


@dataclass(frozen=True)
class Figure:
    """A chart as a PNG image."""

    key: str
    title: str
    png: bytes
    caption: str


@dataclass(frozen=True)
class ShortfallItem:
    """One plan requirement an area does not meet yet, with how many are still needed."""

    label: str
    status: str  # 未达标 or 无数据
    shortfall: int | None
    reason: str


@dataclass(frozen=True)
class AreaShortfalls:
    """The unmet requirements of one area (empty: all met)."""

    code: str
    name: str
    items: tuple[ShortfallItem, ...]


@dataclass(frozen=True)
class Shortfalls:
    """Per area: what is still missing and how many are needed to close the gap."""

    key: str
    title: str
    areas: tuple[AreaShortfalls, ...]


Block = Paragraph | Table | Figure | Shortfalls


@dataclass(frozen=True)
class Section:
    """A numbered section of the document."""

    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Briefing:
    """The whole document, independent of its format."""

    kind: str  # HALF_YEAR or YEAR
    period: Period
    as_of: date
    previous_label: str
    previous_as_of: date
    title: str  # '2022 年下半年工作进度通报' / '2022 年度工作评价'
    facts: tuple[tuple[str, str], ...]  # label, value lines under the title
    demo: bool
    sections: tuple[Section, ...]
    plan_title: str  # the plan's name (rcdash.plans), under the title

    organisation: str = ORGANISATION

    @property
    def full_title(self) -> str:
        """'绍兴市红十字会 2022 年下半年工作进度通报'."""
        return f"{self.organisation} {self.title}"

    @property
    def file_stem(self) -> str:
        """A file name without extension: '绍兴市红十字会_2022年下半年工作进度通报'."""
        return f"{self.organisation}_{self.title}".replace(" ", "")

    def blocks(self) -> Iterator[Block]:
        """Every block of every section, in order."""
        for section in self.sections:
            yield from section.blocks

    def tables(self) -> list[Table]:
        """Every table, in order."""
        return [b for b in self.blocks() if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        """Every chart, in order."""
        return [b for b in self.blocks() if isinstance(b, Figure)]

    def text(self) -> str:
        """All text the document shows (the PDF embeds a font subset with exactly these characters)."""
        parts = [self.organisation, self.plan_title, self.title, DEMO_NOTE, NO_SHORTFALL]
        parts += [f"{k}{v}" for k, v in self.facts]
        for section in self.sections:
            parts.append(section.heading)
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    parts.append(block.text)
                elif isinstance(block, Table):
                    parts += [block.title, block.note, *block.columns, *("".join(r) for r in block.texts())]
                elif isinstance(block, Figure):
                    parts += [block.title, block.caption]
                else:
                    parts.append(block.title)
                    for area in block.areas:
                        parts.append(area.name)
                        parts += [f"{i.label}{i.status}{i.reason}{i.shortfall}" for i in area.items]
        return "".join(parts)
