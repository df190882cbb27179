"""The app served by a real `streamlit run app.py` on a free local port: for the browser tests and the benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from rcdash.config import REPO_ROOT

STARTUP_TIMEOUT_S = 120  # a cold Streamlit start on a busy 2-core machine
STOP_TIMEOUT_S = 15


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`streamlit run app.py` (or another script) against a database, until stop(); started when made, ready when
    it answers /health."""

    def __init__(self, db: Path, script: Path | str = "app.py") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "RCDASH_DB": str(db)}
        self.proc = subprocess.Popen(  # its output is not read: a pipe nobody empties would stall the server
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
            cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not answer on {self.url} within {STARTUP_TIMEOUT_S} s")

    def stop(self) -> None:
        """Terminate the server (killed if it does not stop)."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
