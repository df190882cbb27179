"""The load part of bench/run.py (issue 22): N sessions at once, spoken to over Streamlit's own protocol.

No browser: each session opens the websocket a browser opens (`/_stcore/stream`), asks for a page run with the
BackMsg a browser sends when it navigates (`rerun_script` with the page's URL name, default filters) and waits for
the `script_finished` ForwardMsg. What a meeting opens, in order: 总览, 地图, 月度主题, 会员与人口. All sessions ask
for a page at the same moment and the next page only when every session has finished the last, so the server's
CPU time (user + system, from /proc) over each page's phase belongs to that page: CPU per view = that time ÷ the
views. The trivial floor page is served by its own `streamlit run` and measured the same way, in the same run.

Before the measured phases one session opens each page once (the first visitor after a start or a new snapshot,
reported as cold_ms), so the phases measure what the meeting's crowd meets. Only 127.0.0.1 is spoken to; the
number of views is sessions × pages, and every wait is bounded (VIEW_TIMEOUT_S, LOAD_TIMEOUT_S).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MEETING_PAGES = {"overview": "", "map": "map", "monthly": "monthly", "members": "members"}  # name → URL name
FLOOR = "floor"
VIEW_TIMEOUT_S = 300.0  # one view at province scale with 50 sessions queued on 2 cores; reported, never an error
LOAD_TIMEOUT_S = 1800.0  # the whole load stops by itself after this, whatever the state
CONNECT_TIMEOUT_S = 60.0
STREAM_PATH = "/_stcore/stream"
SUBPROTOCOL = "streamlit"  # what the browser offers first; the server accepts it


@dataclass
class View:
    """One page run as a session saw it."""

    seconds: float
    error: str | None = None


def _rerun_message(page: str) -> bytes:
    """The BackMsg a browser sends to run a page (URL name; "" = the default page) with default filters."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    message = BackMsg()
    message.rerun_script.page_name = page
    message.rerun_script.query_string = ""
    return message.SerializeToString()


def _problem(raw: bytes) -> tuple[bool, str | None]:
    """(whether the run is over, what went wrong) for one ForwardMsg."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = ForwardMsg()
    message.ParseFromString(raw)
    kind = message.WhichOneof("type")
    if kind == "script_finished":
        ok = message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
        return True, None if ok else f"script finished with status {message.script_finished}"
    if kind == "page_not_found":
        return False, "page not found"
    if (kind == "delta" and message.delta.WhichOneof("type") == "new_element"
            and message.delta.new_element.WhichOneof("type") == "exception"):
        return False, f"exception: {message.delta.new_element.exception.message[:200]}"
    return False, None


class Session:
    """One visitor: a websocket to the server, its Streamlit session living as long as the socket."""

    def __init__(self, socket: object) -> None:
        self.socket = socket

    @classmethod
    async def open(cls, url: str) -> Session:
        """Connect as a browser tab does."""
        import websockets

        ws_url = url.replace("http://", "ws://") + STREAM_PATH
        socket = await asyncio.wait_for(
            websockets.connect(ws_url, subprotocols=[SUBPROTOCOL], max_size=None), CONNECT_TIMEOUT_S)
        return cls(socket)

    async def view(self, page: str) -> View:
        """Run a page and wait for the run to finish."""
        started = time.perf_counter()
        error: str | None = None
        try:
            await self.socket.send(_rerun_message(page))  # type: ignore[attr-defined]
            async with asyncio.timeout(VIEW_TIMEOUT_S):
                while True:
                    finished, problem = _problem(await self.socket.recv())  # type: ignore[attr-defined]
                    error = error or problem
                    if finished:
                        break
        except TimeoutError:
            error = f"no script_finished within {VIEW_TIMEOUT_S:.0f} s"
        except Exception as exc:  # a dropped connection is an error of the run, reported, not a crash of the bench
            error = f"{type(exc).__name__}: {exc}"
        return View(time.perf_counter() - started, error)

    async def close(self) -> None:
        """Close the socket (the server ends the session)."""
        await self.socket.close()  # type: ignore[attr-defined]


def _ms(samples: list[float], quantile: float) -> float:
    """A quantile of seconds, in milliseconds."""
    if len(samples) == 1:
        return round(samples[0] * 1000, 1)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return round(cuts[round(quantile * 100) - 1] * 1000, 1)


async def _phase(server: object, sessions: list[Session], page: str) -> tuple[list[View], float]:
    """Every session runs the page at once; (their views, the server's CPU seconds meanwhile)."""
    before = server.cpu_seconds()  # type: ignore[attr-defined]
    views = await asyncio.gather(*(s.view(page) for s in sessions))
    return list(views), server.cpu_seconds() - before  # type: ignore[attr-defined]


async def _crowd(server: object, count: int, pages: dict[str, str]) -> dict[str, dict[str, object]]:
    """`count` sessions going through the pages together; per page: views, CPU per view, p50/p95, errors."""
    sessions = await asyncio.gather(*(Session.open(server.url) for _ in range(count)))  # type: ignore[attr-defined]
    out: dict[str, dict[str, object]] = {}
    try:
        for name, page in pages.items():
            views, cpu = await _phase(server, list(sessions), page)
            seconds = [v.seconds for v in views]
            errors = [v.error for v in views if v.error]
            out[name] = {"views": len(views), "cpu_per_view_ms": round(cpu / len(views) * 1000, 1),
                         "p50_ms": _ms(seconds, 0.5), "p95_ms": _ms(seconds, 0.95), "errors": len(errors),
                         "first_error": errors[0] if errors else None}
    finally:
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    return out


async def _cold(server: object, pages: dict[str, str]) -> dict[str, float]:
    """One session's first view of each page on a fresh server (the caches fill): milliseconds per page."""
    session = await Session.open(server.url)  # type: ignore[attr-defined]
    try:
        return {name: round((await session.view(page)).seconds * 1000, 1) for name, page in pages.items()}
    finally:
        await session.close()


async def _measure(db: Path, count: int, floor_script: Path) -> dict[str, object]:
    from sessions import Server

    started = time.perf_counter()
    server = Server(db)
    try:
        cold = await _cold(server, MEETING_PAGES)
        pages = await _crowd(server, count, MEETING_PAGES)
    finally:
        server.stop()
    floor_server = Server(db, script=floor_script)
    try:
        await _cold(floor_server, {FLOOR: ""})
        floor = (await _crowd(floor_server, count, {FLOOR: ""}))[FLOOR]
    finally:
        floor_server.stop()
    errors = sum(int(p["errors"]) for p in pages.values()) + int(floor["errors"])  # type: ignore[call-overload]
    views = sum(int(p["views"]) for p in pages.values())  # type: ignore[call-overload]
    phase_s = sum(float(p["p95_ms"]) for p in pages.values()) / 1000  # type: ignore[arg-type]
    return {
        "sessions": count, "errors": errors, "views": views,
        "first_error": next((p["first_error"] for p in [*pages.values(), floor] if p["first_error"]), None),
        "p50_ms": {n: p["p50_ms"] for n, p in pages.items()},
        "p95_ms": {n: p["p95_ms"] for n, p in pages.items()},
        "cpu_per_view_ms": {n: p["cpu_per_view_ms"] for n, p in pages.items()},
        "floor_cpu_per_view_ms": floor["cpu_per_view_ms"], "floor_p50_ms": floor["p50_ms"],
        "cold_ms": cold,
        # Views per minute one server sustains at this load: every view of the meeting's pages in the time the
        # slowest session of each phase took.
        "views_per_minute": round(views / phase_s * 60) if phase_s else None,
        "cores": os.cpu_count(), "seconds": round(time.perf_counter() - started, 1),
    }


def measure(db: Path, sessions: int, floor_page: str) -> dict[str, object]:
    """The load figures of issue 22 for `sessions` concurrent sessions against the app serving db."""
    with tempfile.TemporaryDirectory(prefix="rcdash-floor-") as tmp:
        floor_script = Path(tmp) / "floor.py"
        floor_script.write_text(floor_page, encoding="utf-8")

        async def bounded() -> dict[str, object]:
            async with asyncio.timeout(LOAD_TIMEOUT_S):
                return await _measure(db, sessions, floor_script)

        return asyncio.run(bounded())
