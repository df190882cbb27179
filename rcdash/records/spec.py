"""The declarative vocabulary of import kinds: a kind is a table of typed fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class FieldType(Enum):
    """How a cell is parsed; `sql_type` is how it is stored."""

    TEXT = "text"
    INT = "int"
    MONEY = "money"
    FLOAT = "float"
    DATE = "date"
    MONTH = "month"  # stored as the first day of the month
    YEAR = "year"
    BOOL = "bool"
    ENUM = "enum"
    DIVISION = "division"  # a division code, given by code or name
    RATIO = "ratio"  # a fraction; '40%' and 0.4 both accepted

    @property
    def sql_type(self) -> str:
        """The DuckDB column type."""
        return _SQL_TYPES[self]

    @property
    def column_definition(self) -> str:
        """The type, and the compression where DuckDB's own choice is a poor one (_COMPRESSION)."""
        compression = _COMPRESSION.get(self)
        return self.sql_type if compression is None else f"{self.sql_type} USING COMPRESSION {compression}"


_SQL_TYPES = {
    FieldType.TEXT: "VARCHAR", FieldType.INT: "BIGINT", FieldType.MONEY: "DOUBLE", FieldType.FLOAT: "DOUBLE",
    FieldType.DATE: "DATE", FieldType.MONTH: "DATE", FieldType.YEAR: "INTEGER", FieldType.BOOL: "BOOLEAN",
    FieldType.ENUM: "VARCHAR", FieldType.DIVISION: "VARCHAR", FieldType.RATIO: "DOUBLE",
}

# Division codes are short digit strings, nearly all distinct in a large file (100,000 of 100,000 in the national
# benchmark's members file): DuckDB's default for strings (a dictionary, then FSST) takes about twice as long to
# write them as zstd. The price is space where they repeat: the demo databases hold 5–7 % more data (city 6.75 →
# 7.25 MiB, national 89.5 → 94.25 MiB); the benchmark's metrics queries read them no slower. An import of
# 100,000 members into the national demo: ~20–50 ms less of ~300.
_COMPRESSION = {FieldType.DIVISION: "zstd"}


@dataclass(frozen=True)
class Choice:
    """One allowed value of an enumeration, with the other spellings users write."""

    value: str
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """What users are shown: the Chinese spelling where the stored value is an English code."""
        if self.value.isascii() and self.aliases and not self.aliases[0].isascii():
            return self.aliases[0]
        return self.value


@dataclass(frozen=True)
class Field:
    """One column of an import kind."""

    name: str  # English field name, exactly as DESIGN §4 writes it; also the table column
    zh: str  # the template's Chinese header
    type: FieldType
    required: bool = True
    choices: tuple[Choice, ...] = ()
    levels: frozenset[str] = frozenset()  # for DIVISION: the division levels allowed
    wildcard: str | None = None  # for DIVISION: a value meaning "every area", stored as is
    minimum: float | None = None
    default: object = None  # used when an optional cell is empty
    aliases: tuple[str, ...] = ()  # other headers accepted for this column
    example: str = ""
    help: str = ""  # one line shown in the template's instructions
    media: bool = False  # TEXT naming a photo: a file inside the import's ZIP bundle, stored re-encoded

    @property
    def sql_type(self) -> str:
        """The DuckDB column type."""
        return self.type.sql_type

    def choice_values(self) -> list[str]:
        """The canonical values of an enumeration, in order."""
        return [c.value for c in self.choices]


@dataclass(frozen=True)
class RowCheck:
    """A check across fields of one row: fails when `fails(row)` is true."""

    fields: tuple[str, ...]  # the first names the column an error is reported against
    fails: Callable[[dict[str, object]], bool]
    message: str


@dataclass(frozen=True)
class Kind:
    """One import kind: a record type with its table, fields, natural key and checks."""

    name: str
    zh: str
    table: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    checks: tuple[RowCheck, ...] = ()
    description: str = ""
    # (lon, lat, crs) field names: coordinates are converted to WGS-84 and must fall inside the city.
    coordinates: tuple[str, str, str] | None = None
    # The DATE/MONTH field naming the moment a row reports on (a snapshot's date, an activity's day), which says the
    # month it reports for (DESIGN §9). None when rows carry no such date: a branch's founding day is no report date.
    report_date: str | None = None

    def field(self, name: str) -> Field:
        """The field called `name`."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def columns(self) -> list[str]:
        """Table columns in order (the field names)."""
        return [f.name for f in self.fields]

    @property
    def has_division(self) -> bool:
        """Whether a separate township column may help resolve division names."""
        return any(f.type is FieldType.DIVISION for f in self.fields)

    @property
    def county_scoped(self) -> bool:
        """Whether every row lies in one division, so a county user may submit it (DESIGN §9): some division field,
        and none with a city-wide wildcard (a target for `*` would change every county's figures)."""
        divisions = [f for f in self.fields if f.type is FieldType.DIVISION]
        return bool(divisions) and all(f.wildcard is None for f in divisions)

    @property
    def date_field(self) -> str | None:
        """The field that dates a record (the first date, month or year field)."""
        dated = (FieldType.DATE, FieldType.MONTH, FieldType.YEAR)
        return next((f.name for f in self.fields if f.type in dated), None)

    @property
    def division_field(self) -> str | None:
        """The field that places a record (the first division field)."""
        return next((f.name for f in self.fields if f.type is FieldType.DIVISION), None)
