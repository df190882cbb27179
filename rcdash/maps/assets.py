"""The JS/CSS every map needs, served by the app itself (static/vendor/), never by a CDN.

Out of the box folium and its plugins point `default_js`/`default_css` at public CDNs and streamlit-folium
loads them inside its iframe: offline (or where foreign CDNs are blocked) the map stays blank. `localize`
rewrites every element of a map to the vendored copies and refuses any external file it does not know.
`scripts/vendor_static.py` fetches the copies from the registries listed in PACKAGES.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import branca
import folium
from folium.elements import JSCSSMixin

from rcdash.config import REPO_ROOT

STATIC_DIR = REPO_ROOT / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
# Where the browser finds static/: Streamlit serves it at <app>/app/static/ (server.enableStaticServing).
# The map runs inside streamlit-folium's iframe at <app>/component/streamlit_folium.st_folium/index.html,
# so a relative path reaches the same files whatever base URL the app is served under.
VENDOR_URL = "../../app/static/vendor"


@dataclass(frozen=True)
class Package:
    """One registry package we copy files from."""

    registry: str  # 'npm' or 'pypi'
    name: str
    version: str
    licence: str
    files: tuple[str, ...]  # paths inside the package
    note: str = ""

    @property
    def folder(self) -> str:
        """The folder under static/vendor/: name@version (the package's own layout is kept below it)."""
        return f"{self.name}@{self.version}"


PACKAGES: tuple[Package, ...] = (
    Package("npm", "leaflet", "1.9.3", "BSD-2-Clause",
            ("dist/leaflet.js", "dist/leaflet.css", "dist/images/layers.png", "dist/images/layers-2x.png",
             "dist/images/marker-icon.png", "dist/images/marker-icon-2x.png", "dist/images/marker-shadow.png",
             "LICENSE"),
            "the version folium 0.20 asks for"),
    Package("npm", "jquery", "3.7.1", "MIT", ("dist/jquery.min.js", "LICENSE.txt"),
            "folium's Popup sets its content with jQuery"),
    Package("npm", "leaflet.markercluster", "1.1.0", "MIT",
            ("dist/leaflet.markercluster.js", "dist/MarkerCluster.css", "dist/MarkerCluster.Default.css",
             "MIT-LICENCE.txt"),
            "the version folium's MarkerCluster plugins ask for"),
    Package("npm", "leaflet.heat", "0.2.0", "BSD-2-Clause", ("dist/leaflet-heat.js", "LICENSE"),
            "upstream of the heatmap script; its licence covers folium's patched copy below"),
    Package("pypi", "folium", "0.20.0", "MIT", ("folium/templates/leaflet_heat.min.js",),
            "leaflet.heat 0.2.0 with the point-weight fix (Leaflet.heat PR #78) that folium's HeatMap loads"),
)
PACKAGE_BY_NAME = {p.name: p for p in PACKAGES}


def _file(package: str, path: str) -> str:
    """The vendored copy of one package file, relative to static/vendor/."""
    pkg = PACKAGE_BY_NAME[package]
    if path not in pkg.files:
        raise ValueError(f"{path} is not vendored from {package}")
    return f"{pkg.folder}/{path}"


# Every CDN URL folium 0.20's Map and the plugins we use put in default_js/default_css, and our copy.
LOCAL_COPIES: dict[str, str] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": _file("leaflet", "dist/leaflet.js"),
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": _file("leaflet", "dist/leaflet.css"),
    "https://code.jquery.com/jquery-3.7.1.min.js": _file("jquery", "dist/jquery.min.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js":
        _file("leaflet.markercluster", "dist/leaflet.markercluster.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css":
        _file("leaflet.markercluster", "dist/MarkerCluster.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css":
        _file("leaflet.markercluster", "dist/MarkerCluster.Default.css"),
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js":
        _file("folium", "folium/templates/leaflet_heat.min.js"),
}
# Files folium's Map lists by default that our maps never use, so they are not loaded at all: markers are
# drawn as DivIcons (HTML badges, no icon font, no Awesome Markers) and no Bootstrap widget is used.
NOT_NEEDED: frozenset[str] = frozenset({
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css",
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css",
})


class ExternalAssetError(ValueError):
    """A map element wants a file from outside that is not vendored."""


def vendored_files() -> list[Path]:
    """Every file scripts/vendor_static.py puts under static/vendor/."""
    return [VENDOR_DIR / p.folder / f for p in PACKAGES for f in p.files]


def _elements(root: object) -> Iterator[object]:
    """The element and all its descendants (what streamlit-folium walks to collect JS/CSS links)."""
    yield root
    for child in getattr(root, "_children", {}).values():
        yield from _elements(child)


def _local(links: list[tuple[str, str]], element: object) -> list[tuple[str, str]]:
    """One element's (name, url) links, rewritten to the vendored copies."""
    out = []
    for name, url in links:
        if url in NOT_NEEDED:
            continue
        if url in LOCAL_COPIES:
            out.append((name, f"{VENDOR_URL}/{LOCAL_COPIES[url]}"))
        elif url.startswith(VENDOR_URL):
            out.append((name, url))
        else:
            raise ExternalAssetError(
                f"{type(element).__name__} loads {url}, which is not vendored: add it to rcdash/maps/assets.py "
                "and run scripts/vendor_static.py")
    return out


def localize(m: folium.Map) -> folium.Map:
    """Point every JS/CSS file the map and its plugins load at static/vendor/ (in place; returns the map)."""
    for element in _elements(m):
        if isinstance(element, branca.colormap.ColorMap):
            # streamlit-folium adds d3 from a CDN for any colormap: our legends are plain HTML instead.
            raise ExternalAssetError("branca colormaps make streamlit-folium load d3 from a CDN; use maps.layers.Legend")
        if isinstance(element, JSCSSMixin):
            element.default_js = _local(list(element.default_js), element)
            element.default_css = _local(list(element.default_css), element)
    return m


def asset_links(m: folium.Map) -> tuple[list[str], list[str]]:
    """The JS and CSS URLs the map will load, in order, as streamlit-folium collects them."""
    js: list[str] = []
    css: list[str] = []
    for element in _elements(m):
        js.extend(url for _, url in getattr(element, "default_js", []))
        css.extend(url for _, url in getattr(element, "default_css", []))
    return list(dict.fromkeys(js)), list(dict.fromkeys(css))
