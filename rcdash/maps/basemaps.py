"""Basemap choices (none / OpenStreetMap / a tile URL from settings) and the coordinate shift GCJ-02 tiles need.

Everything we store and draw is WGS-84. Tiles from Chinese providers (Amap 高德, Tencent 腾讯) are drawn in GCJ-02:
on such a basemap every polygon, marker, circle and heat point is converted WGS-84 → GCJ-02 before it is drawn,
and clicks are converted back. Tianditu (天地图) and OpenStreetMap tiles are WGS-84/CGCS2000: nothing is shifted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from rcdash.geo.crs import from_wgs84, to_wgs84

TILE_CRS_CHOICES = ("WGS84", "GCJ02")


@dataclass(frozen=True)
class Basemap:
    """One basemap choice."""

    key: str
    label: str  # shown in the selector
    url: str | None  # None: no tiles at all (works offline)
    attribution: str = ""
    crs: str = "WGS84"  # the CRS the tiles are drawn in
    subdomains: str = "abc"
    label_url: str | None = None  # an annotation overlay drawn above the tiles (Tianditu serves labels apart)
    max_zoom: int = 18

    @property
    def online(self) -> bool:
        """Whether the browser must reach a tile server."""
        return self.url is not None


NO_BASEMAP = Basemap("none", "无底图（离线可用）", None)
OPENSTREETMAP = Basemap("osm", "OpenStreetMap（需联网）", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                        "&copy; OpenStreetMap contributors", max_zoom=19)


class SettingsError(ValueError):
    """The [map] section of the settings file is unusable."""


def configured_basemap(section: Mapping[str, object]) -> Basemap | None:
    """The basemap described by the settings file's [map] section, or None when it names no tile URL."""
    url = section.get("tile_url")
    if not url:
        return None
    crs = str(section.get("tile_crs", "WGS84")).upper().replace("-", "").replace("_", "")
    if crs not in TILE_CRS_CHOICES:
        raise SettingsError(f"settings.toml [map] tile_crs 应为 {' 或 '.join(TILE_CRS_CHOICES)}，而不是“{section.get('tile_crs')}”")
    name = str(section.get("tile_name") or "自定义底图")
    label_url = section.get("tile_label_url")
    return Basemap("custom", f"{name}（需联网）", str(url), str(section.get("tile_attribution", "")), crs,
                   str(section.get("tile_subdomains", "abc")), str(label_url) if label_url else None,
                   int(section.get("tile_max_zoom", 18)))  # type: ignore[call-overload]


def basemaps(settings: Mapping[str, object]) -> list[Basemap]:
    """The choices offered: none (the default), OpenStreetMap, and the configured one if any."""
    section = settings.get("map", {})
    custom = configured_basemap(section if isinstance(section, Mapping) else {})
    return [NO_BASEMAP, OPENSTREETMAP, *([custom] if custom else [])]


@dataclass(frozen=True)
class Projector:
    """Converts what we draw from WGS-84 into the basemap's CRS, and clicks back."""

    crs: str = "WGS84"

    @property
    def shifts(self) -> bool:
        """Whether any conversion happens."""
        return self.crs != "WGS84"

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        """A WGS-84 point in display coordinates."""
        return from_wgs84(lon, lat, self.crs) if self.shifts else (lon, lat)

    def back(self, lon: float, lat: float) -> tuple[float, float]:
        """A display point (a click) in WGS-84."""
        return to_wgs84(lon, lat, self.crs) if self.shifts else (lon, lat)

    def _array(self) -> Callable[[np.ndarray], np.ndarray]:
        return lambda a: np.array([from_wgs84(x, y, self.crs) for x, y in a]).reshape(-1, 2)

    def geom(self, geometry: BaseGeometry) -> BaseGeometry:
        """A WGS-84 geometry in display coordinates."""
        return shapely.transform(geometry, self._array()) if self.shifts else geometry


def projector_for(basemap: Basemap) -> Projector:
    """The conversion a basemap needs."""
    return Projector(basemap.crs)
