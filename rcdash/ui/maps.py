"""The Streamlit side of the 地图 and 覆盖缺口 pages: cached map data, controls, the map component, the profile."""

from __future__ import annotations

from datetime import date

import streamlit as st
from streamlit_folium import st_folium

from rcdash import config
from rcdash.geo.townships import TownshipAreas, township_areas
from rcdash.maps import classes, layers
from rcdash.maps.basemaps import NO_BASEMAP, Basemap, SettingsError, basemaps, projector_for
from rcdash.maps.profile import township_profile
from rcdash.plans import get
from rcdash.reporting import unreported_among
from rcdash.reports.fonts import INSTALL_HINT, find_cjk_font
from rcdash.topics import gaps, status
from rcdash.topics.map_view import MapView, load_view
from rcdash.ui.cached import metrics_at, unreported_of
from rcdash.ui.data import db_key, shared_cursor
from rcdash.ui.filters import Filters
from rcdash.ui.widgets import download_table

# What planners print or paste into slides (`rcdash map` also writes SVG), with rcdash.reports.printed_map's types.
PRINT_FORMATS = {"png": ("PNG", "image/png"), "pdf": ("PDF", "application/pdf")}
MAP_KEY = "planner_map"  # st_folium's last returned value lands in st.session_state under this key
SELECTED_KEY = "map_township"
LAST_CLICK_KEY = "_map_last_click"
# Only a click reruns the page: panning and zooming change 'bounds'/'zoom'/'center', which are not returned.
RETURNED_OBJECTS = ["last_object_clicked"]
GAP_MAP_HEIGHT_PX = 560


@st.cache_resource(show_spinner="正在准备乡镇边界…", max_entries=4)
def geography(key: str) -> tuple[TownshipAreas, layers.DisplayShapes]:
    """Township areas (official or approximate) and their simplified outlines, once per database version."""
    areas = township_areas(shared_cursor())
    return areas, layers.display_shapes(areas)


@st.cache_data(show_spinner="正在读取地图数据…", max_entries=32)
def map_view(key: str, as_of: date, county: str | None, plan_id: str,
             unreported: dict[str, list[str]] | None = None) -> MapView:
    """Townships with metrics, targets (of the chosen plan) and gaps, open sites and organisation counts of an area
    on a date; townships of a county that has not reported (`unreported`, DESIGN §9) are classed 未报送."""
    areas, _ = geography(key)
    con = shared_cursor(key)
    return load_view(con, as_of, county, areas, metrics_at(key, as_of, "township"), plan=get(con, plan_id),
                     unreported=unreported)


def map_data(filters: Filters) -> tuple[MapView, TownshipAreas, layers.DisplayShapes]:
    """The view for the sidebar filters (with what each county has not reported for the period), with the geography."""
    key = db_key()
    areas, shapes = geography(key)
    view = map_view(key, filters.as_of, filters.county, filters.plan.id, unreported_of(key, filters))
    return view, areas, shapes


def _basemap_choices() -> list[Basemap]:
    try:
        return basemaps(config.settings())
    except SettingsError as exc:
        st.warning(f"{exc}；暂只提供无底图和 OpenStreetMap。", icon=":material/warning:")
        return basemaps({})


def map_controls() -> layers.MapOptions:
    """Metric, basemap and service radius, above the map."""
    left, middle, right = st.columns([4, 2, 2])
    metric = left.radio("着色指标", [m.key for m in classes.CHOROPLETH_METRICS], horizontal=True, key="map_metric",
                        format_func=lambda k: classes.METRIC_BY_KEY[k].short,
                        help="按各乡镇（街道）相对当年目标的达成程度分级；没有数据的显示为浅灰“无数据”，"
                             "所属区县本期应报而未报送的显示为深灰“未报送”（见“报送情况”页）。")
    choices = _basemap_choices()
    basemap = middle.selectbox("底图", choices, format_func=lambda b: b.label, key="map_basemap",
                               help="默认不加载底图，离线也能使用；在线底图需要能访问瓦片服务器。")
    with right:
        show_radius = st.toggle("显示服务站服务半径", key="map_show_radius")
        radius = st.slider("服务半径（公里）", *gaps.RADIUS_RANGE_KM, gaps.DEFAULT_RADIUS_KM, 0.5, key="map_radius",
                           disabled=not show_radius, format="%.1f")
    if basemap.online:
        st.caption(f"“{basemap.label}”需要联网加载底图瓦片；离线或内网环境请选“无底图”。"
                   + ("该底图为 GCJ-02 坐标，图上所有要素已相应换算。" if basemap.crs == "GCJ02" else ""))
    return layers.MapOptions(metric, basemap, float(radius), bool(show_radius))


def _clicked_township(view: MapView, areas: TownshipAreas, basemap: Basemap) -> None:
    """Turn a new click on the map (in st.session_state since the last run) into the selected township."""
    value = st.session_state.get(MAP_KEY) or {}
    click = value.get("last_object_clicked")
    if not click or click == st.session_state.get(LAST_CLICK_KEY):
        return
    st.session_state[LAST_CLICK_KEY] = click
    lon, lat = projector_for(basemap).back(float(click["lng"]), float(click["lat"]))
    code = areas.township_at(lon, lat)
    if code is not None and code in set(view.townships["code"]):
        st.session_state[SELECTED_KEY] = code


def planner_map(view: MapView, areas: TownshipAreas, shapes: layers.DisplayShapes, options: layers.MapOptions) -> None:
    """The map; a click selects the township whose profile shows beside it (without redrawing the map)."""
    if not view.townships["has_area"].any():
        st.info("所选区、县（市）没有乡镇边界（示例数据里的合成区县只有表格数据），无法绘制地图。请在侧栏选择全市或真实区县。",
                icon=":material/map:")
        return
    _clicked_township(view, areas, options.basemap)
    selected = st.session_state.get(SELECTED_KEY)
    outline = layers.highlight(shapes, [selected] if selected else [], options.basemap)
    # render=False: st_folium would render the whole map twice; once (inside st_folium) gives the same HTML.
    st_folium(layers.planner_map(view, shapes, areas.approximate, options), key=MAP_KEY, height=layers.MAP_HEIGHT_PX,
              use_container_width=True, returned_objects=RETURNED_OBJECTS, feature_group_to_add=outline, render=False)


@st.cache_data(show_spinner=False, max_entries=16)
def printed_map_file(key: str, as_of: date, county: str | None, plan_id: str, metric: str, fmt: str,
                     unreported: dict[str, list[str]] | None = None) -> bytes:
    """The print-ready map of one view (metric, date, county, plan) as PNG or PDF bytes, drawn once per view."""
    from rcdash.reports import printed_map  # geopandas and matplotlib load on the first click, not with the page

    areas, _ = geography(key)
    con = shared_cursor(key)
    printed = printed_map.print_map(map_view(key, as_of, county, plan_id, unreported), areas, metric, get(con, plan_id).name,
                                    sites=True, demo=status.demo_seed(con) is not None)
    return printed_map.render(printed_map.draw(printed), fmt)


def print_downloads(view: MapView, metric: str, plan_id: str) -> None:
    """Download the current view as an A4 map for print (PNG, PDF), drawn when a button is clicked."""
    if not view.townships["has_area"].any():
        return
    if find_cjk_font() is None:
        st.caption(f"打印版地图需要中文字体：{INSTALL_HINT}")
        return
    key = db_key()
    area = view.county_names.get(view.county, view.county) if view.county else "绍兴市"
    stem = f"地图_{area}_{classes.METRIC_BY_KEY[metric].short}_{view.as_of:%Y-%m-%d}"
    columns = st.columns([3, 3, 5])
    for column, (fmt, (label, mime)) in zip(columns, PRINT_FORMATS.items(), strict=False):
        # A callable is run only on the click (on a thread of its own), so the page never waits for the drawing.
        column.download_button(
            f"下载 A4 地图（{label}）", icon=":material/print:", on_click="ignore",
            data=lambda fmt=fmt: printed_map_file(key, view.as_of, view.county, plan_id, metric, fmt,
                                                  dict(view.unreported)),
            file_name=f"{stem}.{fmt}", mime=mime, key=f"map_print_{fmt}",
            help="A4 横向、300 dpi：当前指标、日期和区县的乡镇地图，含图例、比例尺、指北针和数据来源。")
    columns[-1].caption("点击后生成，约需数秒。")


def township_panel(view: MapView, areas: TownshipAreas) -> None:
    """Pick a township (or click one on the map) and see its metrics, gaps and sites."""
    codes = list(view.townships["code"])
    names = dict(zip(view.townships["code"], view.townships["name"], strict=True))
    if st.session_state.get(SELECTED_KEY) not in codes:
        st.session_state.pop(SELECTED_KEY, None)
    code = st.selectbox("乡镇（街道）", codes, index=None, key=SELECTED_KEY, placeholder="点击地图或在此选择",
                        format_func=lambda c: names[c])
    if code is None:
        st.caption("点击地图上的乡镇（街道），这里显示它的指标、缺口和服务阵地。")
        return
    profile = township_profile(view, code, areas.approximate)
    if profile is None:
        return
    st.markdown(f"#### {profile.title}")
    st.caption(profile.subtitle)
    st.markdown("| 指标 | 数值 |\n| --- | --- |\n" + "\n".join(f"| {k} | {v} |" for k, v in profile.figures))
    if profile.gaps:
        st.markdown("**缺口**\n" + "\n".join(f"- {g}" for g in profile.gaps))
    else:
        st.success("各项目标均已达到。", icon=":material/check_circle:")
    st.markdown(f"**服务阵地**（{len(profile.sites)} 个）")
    if profile.sites.empty:
        st.caption("该乡镇（街道）没有在用的服务阵地。")
    else:
        st.dataframe(profile.sites, hide_index=True, width="stretch")
    for note in profile.notes:
        st.caption(note)


def geography_note(view: MapView, areas: TownshipAreas, heat: bool = False) -> None:
    """Where the township areas come from (and, under the heatmap, what it can and cannot show)."""
    lines = [f"{areas.source}。"]
    if heat:
        lines.append("基层组织没有坐标：热力图按乡镇（街道）汇总，画在乡镇驻地。")
        if view.branches_unplaced:
            lines.append(f"另有 {view.branches_unplaced} 个基层组织登记在区县或市一级，不计入热力图。")
    st.caption(" ".join(lines))


def _in_scope(view: MapView) -> dict[str, list[str]]:
    """What the counties of the view (one, or all) have not reported."""
    return {c: list(k) for c, k in view.unreported.items() if view.county is None or c == view.county}


def gap_ranking(view: MapView, filters: Filters) -> None:
    """Townships ranked by gap, with CSV and XLSX downloads."""
    table = gaps.gap_table(view.townships, "sites" in view.kinds, "members" in view.kinds, view.unreported)
    by = st.radio("排序依据", list(gaps.SORT_CHOICES), format_func=gaps.SORT_CHOICES.get, horizontal=True,
                  key="gaps_sort", help="综合缺口：三项缺口各自除以其最大值后取平均（0–1），越大越落后。"
                                        + gaps.UNREPORTED_GAPS)
    if note := gaps.unreported_note(_in_scope(view), view.county_names):
        st.caption(note)
    download_table(gaps.gap_display(gaps.sort_gaps(table, by)), f"覆盖缺口_{filters.county_name}_{filters.as_of:%Y%m%d}")


def build_next(view: MapView, areas: TownshipAreas, shapes: layers.DisplayShapes, filters: Filters) -> None:
    """The K townships whose new station covers the most uncovered population, as a table and on a map."""
    if "sites" not in view.kinds:
        st.info("还没有服务阵地数据，无法判断哪些乡镇已被服务站覆盖。请数据管理员在“数据管理”页导入服务阵地数据。", icon=":material/inbox:")
        return
    left, right = st.columns(2)
    k = left.slider("建议数量 K", 1, gaps.MAX_PICKS, gaps.DEFAULT_PICKS, key="gaps_k")
    radius = right.slider("服务半径（公里）", *gaps.RADIUS_RANGE_KM, gaps.DEFAULT_RADIUS_KM, 0.5, key="gaps_radius",
                          format="%.1f")
    st.caption(gaps.COVERAGE_MODEL)
    if note := unreported_among(_in_scope(view), view.county_names, ("sites_station",)):
        st.caption(f"{note}：这些区县的服务站按此前报送的数据计。")
    stations = view.sites[view.sites["tier"].isin(gaps.COVERING_TIERS)]
    points = list(zip(stations["lon"], stations["lat"], stations["township_code"], strict=True))
    picks = gaps.greedy_new_stations(view.townships, points, float(radius), int(k))
    if not picks:
        st.success("所有乡镇（街道）都已在服务站覆盖范围内（或没有常住人口数据）。", icon=":material/check_circle:")
        return
    total = sum(p.population for p in picks)
    st.markdown(f"按建议顺序新建 **{len(picks)}** 个服务站，可新增覆盖常住人口 **{total:,}** 人。")
    left, right = st.columns([3, 2])
    with left:
        if view.townships["has_area"].any():
            covered = gaps.covered_townships(view.townships, points, float(radius))
            gap_map = layers.picks_map(view, shapes, areas.approximate, picks, covered, float(radius), NO_BASEMAP)
            # Nothing is returned: this map never reruns the page.
            st_folium(gap_map, key="gaps_map", height=GAP_MAP_HEIGHT_PX, use_container_width=True, returned_objects=[],
                      render=False)
    with right:
        st.markdown("\n".join(f"{p.rank}. **{p.name}**（{p.county_name}）：{p.reason}" for p in picks))
    download_table(gaps.picks_frame(picks), f"建站建议_{filters.county_name}_{filters.as_of:%Y%m%d}")
