"""Unit tests: pure functions and a small DuckDB, one folder per package of rcdash."""
