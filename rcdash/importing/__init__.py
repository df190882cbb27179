"""Spreadsheet import: one declarative spec per kind, readers, validation and loading."""
