"""User text inside Markdown: every character Markdown, LaTeX or Streamlit's directives treat specially is escaped."""

from __future__ import annotations

# ASCII punctuation that CommonMark allows to escape; ':' and '$' also stop Streamlit's :icon:/:red[…] and LaTeX.
MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()#+-.!|<>~$:&=\"'")


def escape_markdown(text: object) -> str:
    """Text shown literally by st.markdown (imported names and themes are user input: never markup)."""
    escaped = "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in str(text))
    return " ".join(escaped.split())  # newlines would start new Markdown blocks
