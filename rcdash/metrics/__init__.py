"""The metrics of DESIGN §5: one definition used by every page, report and the CLI."""
