"""Rendering folium maps without compiling their data as templates.

branca renders each element's macro to text and wraps that text in a new `Element(text)`, which compiles it as a
Jinja template before rendering it again — for a map of a province that is two megabytes of GeoJSON lexed as a
template on every page run, most of the map's server time. Text without any template syntax renders to itself
(less one trailing newline, as Jinja drops it), so here such text is added as it is; text with template syntax
(or carriage returns, which Jinja rewrites) still goes through Element, so every map renders to the same HTML.
"""

from __future__ import annotations

from branca.element import Element, Figure, MacroElement

TEMPLATE_MARKS = ("{{", "{%", "{#", "\r")  # text holding any of these is left to Jinja
BRANCA_RENDER = MacroElement.render  # kept: tests render with both and compare


class RenderedText(Element):
    """Text already rendered, added to a figure as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RenderedText"
        self._text = text[:-1] if text.endswith("\n") else text  # what Jinja's rendering of it would give

    def render(self, **kwargs: object) -> str:
        return self._text


def _element(text: str) -> Element:
    """The element branca would add for a rendered macro: as text where that renders the same."""
    return Element(text) if any(mark in text for mark in TEMPLATE_MARKS) else RenderedText(text)


def _render(self: MacroElement, **kwargs: object) -> None:
    """MacroElement.render (branca 0.8), with _element in place of Element."""
    figure = self.get_root()
    assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
    for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
        macro = self._template.module.__dict__.get(part, None)
        if macro is not None:
            target.add_child(_element(macro(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


def install() -> None:
    """Use the faster rendering for every folium map drawn in this process (idempotent)."""
    MacroElement.render = _render  # type: ignore[method-assign]
