"""Time one `n` / `p` key press in the app on the bundled sample data: from the key's action to the screen
drawn (``RetentionApp.last_step_seconds``), at 80×24 and 120×40, monthly and weekly, and the time from the
app's start to its first full screen (``first_screen_seconds``, in the headless pilot).

    .venv/bin/python benchmarks/bench_step.py [--steps 20]

Prints median and 95th percentile per case. (Unit tests never time anything; this script is where the figures
in the issue notes come from.)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics

from workbench.ui.app import RetentionApp
from workbench.ui.model import ViewSettings


async def measure(size: tuple[int, int], unit: str, steps: int) -> tuple[float, list[float]]:
    app = RetentionApp(settings=ViewSettings(unit=unit))
    times: list[float] = []
    async with app.run_test(size=size) as pilot:
        while app.analysis is None or app.first_screen_seconds is None:
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause()
        for step in range(steps):
            await pilot.press("p" if step < steps // 2 else "n")
            await pilot.pause()
            if app.main.last_step_seconds is not None:
                times.append(app.main.last_step_seconds)
    return app.first_screen_seconds, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    print(f"{'case':<22} {'first screen':>13} {'step median':>12} {'step p95':>10}  (seconds; n/p presses)")
    for size in ((80, 24), (120, 40)):
        for unit in ("month", "week"):
            first, times = asyncio.run(measure(size, unit, args.steps))
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            case = f"{unit} {size[0]}x{size[1]}"
            print(f"{case:<22} {first:>13.2f} {statistics.median(times):>12.3f} {p95:>10.3f}")


if __name__ == "__main__":
    main()
