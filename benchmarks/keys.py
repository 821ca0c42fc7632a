"""Time the app in a real terminal (tmux): the first full screen and how long an n/p key press takes to reach
the screen, side by side with the floor, a bare Textual app that redraws a 120×35 screen of numbers on the
same keys.

    .venv/bin/python benchmarks/keys.py [--presses 20] [--cdnow PATH] [--cases sample,weekly,cdnow-day,loading]
                                        [--launches 7] [--big PATH] [--big-rows 10000000] [--timeline]

Case ``sample``: the first full screen of the bundled sample (``workbench`` with no argument), from launch to
every panel drawn, ``--launches`` times, each launch following one of the floor's: median and max of each.
(Python writes no bytecode cache when ``PYTHONDONTWRITEBYTECODE`` is set, as in some shells: every launch
then compiles the package again, about 0.1 s more than an installed app.)

Cases: ``weekly`` opens a generated 20,000-customer sample (``workbench sample DIR --seed 7 --customers
20000``, written to a temporary directory) by week; ``cdnow-day`` opens the CDNOW log by day. The app and
the floor each run in a tmux window of 120×40 for the whole case; every key goes to the floor, then to the
app, so both are timed under the same machine load (the ratio is what to read on a shared machine). A press
is timed from ``send-keys`` until ``capture-pane -p`` shows a changed screen; the screen must then stay
unchanged for 150 ms before the next key. Also timed: a granularity change (``t``, until the status line
names the new period and nothing is computing). The code measured is the one on ``PYTHONPATH`` (set
``PYTHONPATH=/other/checkout`` to measure another). Figures include tmux and the polling (a few ms a capture,
the same for the floor): what an analyst waits, not a profile.

Case ``loading`` (not run by default): the app opens a big event log (``--big PATH``, else 10M events made by
``benchmarks/run.py``'s generator as Parquet in the temporary directory) and, while the loading line is shown,
``2`` and ``1`` switch between the Flow and Cohorts tabs: each press is timed until that tab's own text is on
screen (the loading line's clock changes the screen on its own, so "any change" would not do), and the next
key follows 50 ms later, until the load ends. Every press made during the load counts, the last one too (it
may be answered only by the end of the load: that wait is an analyst's wait); every fourth press the floor is
pressed too. The screen is captured every 10 ms, not flat out: on a machine of two cores the polling would
take one from the load and the app. Then the same keys once the data is shown (what a tab switch costs at
rest), and escape during a second load, timed until the screen says cancelled. ``--timeline`` prints each
press with the step on the loading line.
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

from run import generate  # the same generated log as benchmarks/run.py (this folder is on sys.path)

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
    BINDINGS = [("n", "step(1)", "Next"), ("p", "step(-1)", "Prev")]
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


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


@dataclass
class Result:
    """One app's figures, and the floor's presses made between the app's (the same machine load)."""

    case: str
    first_screen: float
    presses: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    granularity: float | None = None
    note: str = ""

    def row(self) -> str:
        median, floor = statistics.median(self.presses), statistics.median(self.floor)
        gran = f"{self.granularity:9.2f} s" if self.granularity is not None else f"{'—':>11}"
        return (f"{self.case:<22} {self.first_screen:7.2f} s {median * 1000:7.0f} ms "
                f"{percentile(self.presses, 0.95) * 1000:6.0f} ms {floor * 1000:7.0f} ms "
                f"{percentile(self.floor, 0.95) * 1000:6.0f} ms {median / floor:5.1f}× {gran}  {self.note}")


HEADER = (f"{'case':<22} {'first':>9} {'n/p median':>10} {'p95':>9} {'floor med':>10} {'p95':>9} "
          f"{'ratio':>6} {'granularity':>11}")

SOCKET = f"wb-keys-{os.getpid()}"  # a tmux server of our own: other tmux sessions on the machine are left alone


def tmux(*args: str) -> str:
    done = subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"tmux {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


def capture(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_until(session: str, ready, timeout: float = TIMEOUT, poll: float = 0.0) -> str:
    """Capture until ``ready(screen)``; ``poll``: seconds between captures (0: as fast as tmux answers)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        screen = capture(session)
        if ready(screen):
            return screen
        if poll:
            time.sleep(poll)
    raise TimeoutError(f"screen not ready after {timeout:.0f} s:\n{capture(session)}")


def settle(session: str, screen: str) -> str:
    """Wait until the screen stays the same for SETTLE seconds (later frames of the same key)."""
    quiet_since = time.perf_counter()
    while time.perf_counter() - quiet_since < SETTLE:
        now = capture(session)
        if now != screen:
            screen, quiet_since = now, time.perf_counter()
    return screen


class Session:
    """A program in its own tmux window of SIZE; ``start`` returns the seconds to its first full screen."""

    def __init__(self, command: str, cwd: str) -> None:
        self.name = f"keys-{uuid.uuid4().hex[:8]}"
        self.command, self.cwd, self.screen = command, cwd, ""

    def start(self, ready, settled: bool = True) -> float:
        env = {"COLORTERM": "truecolor", "TERM": "xterm-256color", "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
        for attempt in range(3):  # the server may still be exiting after the last session closed
            try:
                started = time.perf_counter()
                tmux("new-session", "-d", "-s", self.name, "-x", str(SIZE[0]), "-y", str(SIZE[1]), "-c", self.cwd,
                     *[arg for key, value in env.items() for arg in ("-e", f"{key}={value}")], self.command)
                break
            except RuntimeError:
                if attempt == 2:
                    raise
                time.sleep(0.5)
        screen = wait_until(self.name, ready)
        first = time.perf_counter() - started
        self.screen = settle(self.name, screen) if settled else screen
        return first

    def press(self, key: str, poll: float = 0.0) -> float:
        """Send one key: the seconds until the screen first differs (then wait for it to settle)."""
        started = time.perf_counter()
        tmux("send-keys", "-t", self.name, key)
        changed = wait_until(self.name, lambda now: now != self.screen, timeout=60, poll=poll)
        elapsed = time.perf_counter() - started
        self.screen = settle(self.name, changed)
        return elapsed

    def until(self, key: str, ready) -> float:
        """Send one key: the seconds until ``ready(screen)``."""
        started = time.perf_counter()
        tmux("send-keys", "-t", self.name, key)
        self.screen = wait_until(self.name, ready)
        return time.perf_counter() - started

    def close(self) -> None:
        subprocess.run(["tmux", "-L", SOCKET, "kill-session", "-t", self.name], capture_output=True)


def run_case(case: str, command: str, floor: Session, presses: int, granularity: tuple[str, str],
             cwd: str) -> Result:
    """Start the app, then press p (half the presses) and n in it, each time also in the floor's window."""
    app = Session(command, cwd)
    try:
        result = Result(case, app.start(app_ready))
        for key in ["p"] * (presses // 2) + ["n"] * (presses - presses // 2):
            result.floor.append(floor.press(key))
            result.presses.append(app.press(key))
        key, marker = granularity
        result.granularity = app.until(key, lambda now: marker in now and "computing" not in now)
        return result
    finally:
        app.close()


def app_ready(screen: str) -> bool:
    """The app's first full screen: the formula with its numbers, the legend under the triangle, the footer."""
    return "× 100 = " in screen and "~ not over" in screen and "Help" in screen


def loading(screen: str) -> bool:
    """The loading line is on screen: the second line ends with the progress bar's percentage."""
    lines = screen.splitlines()
    return len(lines) > 1 and lines[1].rstrip().endswith("%")


TAB_TEXT = {"2": "The retention formula", "1": "not over"}  # what the Flow and Cohorts tabs show while loading
LOADED_TAB_TEXT = {"2": "starting_retention", "1": "not over"}  # and once the data is on screen
MAX_PRESSES = 2000
GAP = 0.05  # between a press's answer and the next key (the screen keeps changing: no settling here)
POLL = 0.01  # between captures while loading: polling flat out would take a core from the load and the app


def tab_press(app: Session, key: str, shown) -> tuple[float, str]:
    """Send a tab key: the seconds until ``shown(screen)``, and that screen."""
    started = time.perf_counter()
    tmux("send-keys", "-t", app.name, key)
    screen = wait_until(app.name, shown, poll=POLL)
    return time.perf_counter() - started, screen


def latency_row(case: str, times: list[float], floor: list[float], note: str) -> str:
    median, base = statistics.median(times), statistics.median(floor)
    return (f"{case:<22} {'':>9} {median * 1000:7.0f} ms {max(times) * 1000:6.0f} ms {base * 1000:7.0f} ms "
            f"{max(floor) * 1000:6.0f} ms {median / base:5.1f}×  {note}")


def run_loading_case(command: str, cwd: str, floor: Session, timeline: bool = False) -> None:
    """Tab keys while a big file loads and once it is shown, then escape during a second load."""
    app = Session(command, cwd)
    times, floor_times, last = [], [], ""
    try:
        app.start(lambda s: loading(s) and "Loading" in s, settled=False)
        load_started = time.perf_counter()
        for number in range(MAX_PRESSES):
            key = "21"[number % 2]
            if number % 4 == 0:  # the floor now and then: the machine's load at the time
                floor_times.append(floor.press("n", poll=POLL))
            offset = time.perf_counter() - load_started
            elapsed, screen = tab_press(app, key, lambda s, key=key: TAB_TEXT[key] in s or not loading(s))
            times.append(elapsed)  # the last one may be answered by the end of the load: still a wait
            if timeline:
                step = screen.splitlines()[1].strip()[:70]
                print(f"  {offset:6.2f} s  {key}  {elapsed * 1000:5.0f} ms  {step}", flush=True)
            if not loading(screen):
                last = f"; the last press waited for the end of the load ({elapsed * 1000:.0f} ms)"
                break
            time.sleep(GAP)
        load_seconds = time.perf_counter() - load_started
        wait_until(app.name, lambda s: not loading(s))
        tab_press(app, "1", lambda s: LOADED_TAB_TEXT["1"] in s)
        after, after_floor = [], []
        for number in range(20):
            key = "21"[number % 2]
            after_floor.append(floor.press("n", poll=POLL))
            after.append(tab_press(app, key, lambda s, key=key: LOADED_TAB_TEXT[key] in s)[0])
            time.sleep(GAP)
    finally:
        app.close()
    print(latency_row("loading, tab keys", times, floor_times,
                      f"{len(times)} presses in a load of {load_seconds:.1f} s (max, not p95){last}"), flush=True)
    print(latency_row("loaded, tab keys", after, after_floor, "the same keys once the data is shown"), flush=True)
    cancel = Session(command, cwd)
    try:
        cancel.start(lambda s: loading(s) and "Loading" in s, settled=False)
        time.sleep(2.0)  # well into the reading
        seconds = cancel.until("Escape", lambda s: "cancelled" in s.lower() and not loading(s))
        print(f"{'loading, escape':<22} {seconds * 1000:9.0f} ms until the screen says cancelled", flush=True)
    finally:
        cancel.close()


def first_screens(app: str, floor: str, tmp: str, launches: int) -> str:
    """The first full screen of the bundled sample, each launch after one of the floor's: a line of figures."""
    ours, theirs = [], []
    for _ in range(launches):
        for command, ready, times in ((floor, lambda s: "floor ready" in s, theirs), (app, app_ready, ours)):
            session = Session(command, tmp)
            try:
                times.append(session.start(ready))
            finally:
                session.close()
    return (f"{'first screen, sample':<22} {statistics.median(ours):7.2f} s median, {max(ours):.2f} s max; floor "
            f"{statistics.median(theirs):.2f} s median, {max(theirs):.2f} s max ({launches} launches each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--cdnow", type=Path, default=CDNOW)
    parser.add_argument("--cases", default="sample,weekly,cdnow-day",
                        help="any of sample, weekly, cdnow-day, loading")
    parser.add_argument("--launches", type=int, default=7, help="sample case: launches of the app and the floor")
    parser.add_argument("--big", type=Path, help="the big event log of the loading case (default: generated)")
    parser.add_argument("--big-rows", type=int, default=10_000_000)
    parser.add_argument("--timeline", action="store_true", help="loading case: print every press and the step")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("tmux is not installed: this benchmark needs a real terminal.")
    cases = args.cases.split(",")
    python = sys.executable
    print(f"tmux {SIZE[0]}×{SIZE[1]}; {args.presses} n/p presses per case, each also pressed in the floor's window "
          f"just before; key → screen changed (capture-pane polling), settled {SETTLE * 1000:.0f} ms between keys")
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="wb-keys-") as tmp:
        floor_app = Path(tmp) / "floor.py"
        floor_app.write_text(textwrap.dedent(FLOOR_APP), encoding="utf-8")
        floor = Session(f"{python} {floor_app}", tmp)
        first = floor.start(lambda s: "floor ready" in s)
        print(f"{'floor (bare Textual)':<22} {first:7.2f} s", flush=True)
        try:
            if "sample" in cases:
                print(first_screens(f"{python} -m workbench", f"{python} {floor_app}", tmp, args.launches),
                      flush=True)
            if "weekly" in cases:
                sample = Path(tmp) / "sample"
                subprocess.run([python, "-m", "workbench", "sample", str(sample), "--seed", "7",
                                "--customers", "20000"], check=True, stdout=subprocess.DEVNULL)
                files = " ".join(f"sample/{name}" for name in ("events.csv", "subscriptions.csv", "nps.csv"))
                result = run_case("weekly, 20k customers", f"{python} -m workbench {files} --period week",
                                  floor, args.presses, ("t", "by month"), tmp)
                result.note = "t: week → month"
                print(result.row(), flush=True)
            if "cdnow-day" in cases:
                if not args.cdnow.is_file():
                    print(f"CDNOW not found at {args.cdnow}: the cdnow-day case is skipped.", file=sys.stderr)
                else:
                    result = run_case("CDNOW by day", f"{python} -m workbench {args.cdnow} --period day",
                                      floor, args.presses, ("t", "by week"), tmp)
                    result.note = "t: day → week"
                    print(result.row(), flush=True)
            if "loading" in cases:
                big = args.big
                if big is None:
                    big = Path(tmp) / "events-big.parquet"
                    generate(big, args.big_rows)
                size = big.stat().st_size / 1e6
                print(f"loading case: {big} ({size:,.0f} MB); tab keys 2 and 1: median and max", flush=True)
                run_loading_case(f"{python} -m workbench {big}", tmp, floor, args.timeline)
        finally:
            floor.close()
            subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True)
            socket = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}" / SOCKET
            socket.unlink(missing_ok=True)  # tmux leaves the socket file of a server that exited


if __name__ == "__main__":
    main()
