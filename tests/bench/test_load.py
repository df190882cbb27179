"""bench/load.py speaks Streamlit's protocol as a browser does: a run is seen to its end, and its errors are caught."""

from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from rcdash.config import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "bench"))  # bench/ is scripts, not a package
import load
from sessions import Server

GOOD_PAGE = 'import streamlit as st\n\nst.title("基线")\n'
FAILING_PAGE = 'import streamlit as st\n\nst.title("坏页")\nraise ValueError("示例错误")\n'


def _message(**fields: object) -> bytes:
    message = ForwardMsg()
    for name, value in fields.items():
        if name == "exception":
            message.delta.new_element.exception.message = str(value)
        else:
            setattr(message, name, value)
    return message.SerializeToString()


def test_messages_read_as_finished_or_failed() -> None:
    assert load._problem(_message(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY)) == (True, None)
    assert load._problem(_message(script_finished=ForwardMsg.FINISHED_WITH_COMPILE_ERROR))[0] is True
    assert load._problem(_message(script_finished=ForwardMsg.FINISHED_WITH_COMPILE_ERROR))[1] is not None
    assert load._problem(_message(exception="boom")) == (False, "exception: boom")


def test_sessions_run_a_served_page_to_its_end_and_see_its_errors(tmp_path: Path, db_file: Path) -> None:
    good, failing = tmp_path / "good.py", tmp_path / "failing.py"
    good.write_text(GOOD_PAGE, encoding="utf-8")
    failing.write_text(FAILING_PAGE, encoding="utf-8")
    for script, expect_error in ((good, False), (failing, True)):
        server = Server(db_file, script=script)
        try:
            # A thread of its own: a browser test's Playwright may hold this worker's event loop.
            with ThreadPoolExecutor(1) as pool:
                result = pool.submit(asyncio.run, load._crowd(server, 2, {"page": ""})).result()["page"]
        finally:
            server.stop()
        assert result["views"] == 2
        assert (result["errors"] == 2) is expect_error, result
        assert (result["first_error"] is not None and "示例错误" in result["first_error"]) is expect_error
        assert result["cpu_per_view_ms"] > 0

