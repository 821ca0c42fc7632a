"""The app in a real terminal: tmux at 80×24, keys sent with send-keys, the screen read with capture-pane.

Skipped when tmux is not installed (CI installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from app_support import expected, write_sample

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def workbench_command() -> str:
    """The installed `workbench` script beside this Python, else the same entry point through -c."""
    script = Path(sys.executable).parent / "workbench"
    if script.exists():
        return str(script)
    return f"{sys.executable} -c 'from workbench.cli import main; main()'"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def screen(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_for(session: str, text: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = screen(session)
        if text in shown:
            return shown
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not on screen after {timeout}s:\n{shown}")


def session_alive(session: str) -> bool:
    return subprocess.run(["tmux", "has-session", "-t", session], capture_output=True).returncode == 0


@pytest.fixture
def session(tmp_path: Path):
    name = f"wb-{uuid.uuid4().hex[:8]}"
    yield name
    if session_alive(name):
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def test_app_in_tmux_steps_a_period_and_quits(tmp_path, session, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = write_sample(tmp_path)
    report, _ = expected(files)
    rows = report.flow.rows
    done = tmp_path / "exit-status"
    command = (f"cd {tmp_path} && {workbench_command()} {' '.join(files)}; "
               f"echo $? > {done}")
    # a tmux server already running passes on its own environment: no settings file of the analyst's either
    env = {"COLORTERM": "truecolor", "TERM": "xterm-256color", "XDG_CONFIG_HOME": os.environ["XDG_CONFIG_HOME"],
           "WORKBENCH_CONFIG": ""}
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24",
         *[arg for key, value in env.items() for arg in ("-e", f"{key}={value}")], command)
    last = rows[-1]
    first_screen = wait_for(session, f"(({last.CE:,} − {last.CN:,}) / {last.CS:,}) × 100 = {last.crr:.1f} %")
    assert "CRR = ((CE − CN) / CS) × 100" in first_screen
    # the capture can catch a frame half written; the triangle's newest row (it opens on it) must follow
    wait_for(session, f"{report.cohorts.rows[-1].cohort} ({report.cohorts.rows[-1].size:,})", timeout=10)
    tmux("send-keys", "-t", session, "p")
    previous = rows[-2]
    shown = wait_for(session, f"(({previous.CE:,} − {previous.CN:,}) / {previous.CS:,}) × 100 = {previous.crr:.1f} %")
    assert f"{len(rows) - 1} of {len(rows)}" in shown
    tmux("send-keys", "-t", session, "n")
    wait_for(session, f"{len(rows)} of {len(rows)}")
    tmux("send-keys", "-t", session, "C-q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not done.exists():
        time.sleep(0.1)
    assert done.exists(), "ctrl+q did not end the app within 10 s:\n" + screen(session)
    assert done.read_text().strip() == "0"


@pytest.mark.skipif(not os.environ.get("WORKBENCH_TIMING"), reason="set WORKBENCH_TIMING=1 to measure")
def test_time_to_first_screen_on_sample_data(session):
    """Prints seconds from starting `workbench` to the formula on screen (bundled sample data)."""
    started = time.monotonic()
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", "-e",
         f"XDG_CONFIG_HOME={os.environ['XDG_CONFIG_HOME']}", "-e", "WORKBENCH_CONFIG=", workbench_command())
    wait_for(session, "CRR = ((CE − CN) / CS) × 100 = ((", timeout=60)
    print(f"first full screen after {time.monotonic() - started:.2f} s")
