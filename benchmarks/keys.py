"""Time the app in a real terminal (tmux): the first full screen and how long an n/p key press takes to reach
the screen, side by side with the floor, a bare Textual app that redraws a 120×35 screen of numbers on the
same keys.

    .venv/bin/python benchmarks/keys.py [--presses 20] [--cdnow PATH] [--cases weekly,cdnow-day]

Cases: ``weekly`` opens a generated 20,000-customer sample (``workbench sample DIR --seed 7 --customers
20000``, written to a temporary directory) by week; ``cdnow-day`` opens the CDNOW log by day. For each, the
app runs in its own tmux session at 120×40; the script sends keys with ``send-keys`` and polls
``capture-pane -p`` until the screen has changed, then until it has settled, before the next key. Also timed:
a granularity change (``t``, until the status line names the new period). The code measured is the one on
``PYTHONPATH`` (set ``PYTHONPATH=/other/checkout`` to measure another). Figures include tmux and the polling
(a few ms a capture, the same for the floor); they are what an analyst waits, not a profile.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CDNOW = ROOT.parent / "shared" / "data" / "cdnow" / "cdnow_transactions.csv"
SIZE = (120, 40)
SETTLE = 0.15  # the screen must stay the same this long before the next key (panels and charts catch up)
TIMEOUT = 120.0

FLOOR_APP = '''
"""The floor: a bare Textual app that redraws a screen of numbers on n and p."""
from textual.app import App
from textual.widgets import Static

ROWS, COLUMNS = 35, 120


def grid(step: int) -> str:
    return "\\n".join("".join(f"{(step * 7 + row * 13 + col) % 100:>4}" for col in range(COLUMNS // 4))
                     for row in range(ROWS))


class Floor(App):
    BINDINGS = [("n", "step(1)", "Next"), ("p", "step(-1)", "Prev"), ("t", "step(5)", "Jump")]
    CSS = "Static { height: 35; }"

    def compose(self):
        self.step = 0
        yield Static(grid(0), id="grid")
        yield Static("floor ready", id="ready")

    def action_step(self, by: int) -> None:
        self.step += by
        self.query_one("#grid", Static).update(grid(self.step))
        self.query_one("#ready", Static).update(f"floor step {self.step}")


Floor().run()
'''


@dataclass
class Result:
    case: str
    first_screen: float
    presses: list[float] = field(default_factory=list)
    granularity: float | None = None
    note: str = ""

    def row(self) -> str:
        times = sorted(self.presses)
        median = statistics.median(times) * 1000 if times else float("nan")
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))] * 1000 if times else float("nan")
        gran = f"{self.granularity:8.2f} s" if self.granularity is not None else f"{'—':>10}"
        return (f"{self.case:<24} {self.first_screen:8.2f} s {median:9.0f} ms {p95:7.0f} ms {gran}"
                f"  {self.note}")


SOCKET = f"wb-keys-{os.getpid()}"  # a tmux server of our own: other tmux sessions on the machine are left alone


def tmux(*args: str) -> str:
    done = subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"tmux {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


def capture(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_until(session: str, ready, timeout: float = TIMEOUT) -> str:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        screen = capture(session)
        if ready(screen):
            return screen
    raise TimeoutError(f"screen not ready after {timeout:.0f} s:\n{capture(session)}")


def settle(session: str, screen: str) -> str:
    """Wait until the screen stays the same for SETTLE seconds (later frames of the same key)."""
    quiet_since = time.perf_counter()
    while time.perf_counter() - quiet_since < SETTLE:
        now = capture(session)
        if now != screen:
            screen, quiet_since = now, time.perf_counter()
    return screen


def press(session: str, key: str, screen: str) -> tuple[float, str]:
    """Send one key; the seconds until the screen first differs, and the settled screen after it."""
    started = time.perf_counter()
    tmux("send-keys", "-t", session, key)
    changed = wait_until(session, lambda now: now != screen, timeout=60)
    elapsed = time.perf_counter() - started
    return elapsed, settle(session, changed)


def run_case(case: str, command: str, ready, presses: int, granularity: tuple[str, str] | None,
             cwd: str) -> Result:
    session = f"keys-{uuid.uuid4().hex[:8]}"
    env = {"COLORTERM": "truecolor", "TERM": "xterm-256color",
           "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    for attempt in range(3):  # the server of the previous case may still be exiting
        try:
            started = time.perf_counter()
            tmux("new-session", "-d", "-s", session, "-x", str(SIZE[0]), "-y", str(SIZE[1]), "-c", cwd,
                 *[arg for key, value in env.items() for arg in ("-e", f"{key}={value}")], command)
            break
        except RuntimeError:
            if attempt == 2:
                raise
            time.sleep(0.5)
    try:
        screen = wait_until(session, ready)
        result = Result(case, time.perf_counter() - started)
        screen = settle(session, screen)
        keys = ["p"] * (presses // 2) + ["n"] * (presses - presses // 2)
        for key in keys:
            elapsed, screen = press(session, key, screen)
            result.presses.append(elapsed)
        if granularity is not None:
            key, marker = granularity
            t0 = time.perf_counter()
            tmux("send-keys", "-t", session, key)
            wait_until(session, lambda now: marker in now and "computing" not in now)
            result.granularity = time.perf_counter() - t0
        return result
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-session", "-t", session], capture_output=True)


def app_ready(screen: str) -> bool:
    """The app's first full screen: the formula with its numbers, the legend under the triangle, the footer."""
    return "× 100 = " in screen and "~ not over" in screen and "Help" in screen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--cdnow", type=Path, default=CDNOW)
    parser.add_argument("--cases", default="weekly,cdnow-day")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("tmux is not installed: this benchmark needs a real terminal.")
    cases = args.cases.split(",")
    python = sys.executable
    print(f"tmux {SIZE[0]}×{SIZE[1]}, {args.presses} n/p presses per case; key → screen changed "
          f"(capture-pane polling), then settled {SETTLE * 1000:.0f} ms before the next key")
    print(f"{'case':<24} {'first screen':>10} {'n/p median':>12} {'p95':>10} {'granularity':>10}", flush=True)
    with tempfile.TemporaryDirectory(prefix="wb-keys-") as tmp:
        floor_app = Path(tmp) / "floor.py"
        floor_app.write_text(textwrap.dedent(FLOOR_APP), encoding="utf-8")
        floor = run_case("floor (bare Textual)", f"{python} {floor_app}", lambda s: "floor ready" in s,
                         args.presses, None, tmp)
        print(floor.row(), flush=True)

        def show(result: Result) -> None:
            ratio = statistics.median(result.presses) / statistics.median(floor.presses)
            print(f"{result.row()}  ({ratio:.1f}× the floor)", flush=True)

        if "weekly" in cases:
            sample = Path(tmp) / "sample"
            subprocess.run([python, "-m", "workbench", "sample", str(sample), "--seed", "7",
                            "--customers", "20000"], check=True, stdout=subprocess.DEVNULL)
            files = " ".join(f"sample/{name}" for name in ("events.csv", "subscriptions.csv", "nps.csv"))
            result = run_case("weekly, 20k customers", f"{python} -m workbench {files} --period week",
                              app_ready, args.presses, ("t", "by month"), tmp)
            result.note = "t: week → month"
            show(result)
        if "cdnow-day" in cases:
            if not args.cdnow.is_file():
                print(f"CDNOW not found at {args.cdnow}: the cdnow-day case is skipped.", file=sys.stderr)
            else:
                result = run_case("CDNOW by day", f"{python} -m workbench {args.cdnow} --period day",
                                  app_ready, args.presses, ("t", "by week"), tmp)
                result.note = "t: day → week"
                show(result)


if __name__ == "__main__":
    main()
