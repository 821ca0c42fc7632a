"""A realistic, seeded sample data set: one set of customers seen three ways.

``generate_frames`` builds, fully vectorised with numpy and polars, three tables that describe
the *same* customers over a data window (default: the 24 full months ending 2026-10-31):

* ``events``: an event log (``customer_id, timestamp, event, revenue, plan``). Each visit is a
  ``login`` followed by a few ``view`` events and sometimes a ``purchase`` carrying revenue;
* ``subscriptions``: one row per customer (``customer_id, start_date, end_date, plan, mrr``);
* ``nps``: survey answers (``customer_id, response_date, score, comment``).

The model:

* acquisition grows about 3 % a month, with a December bump, a summer dip and quieter weekends;
* each customer has a plan (basic / pro / team: different MRR, churn and basket size) and a
  latent satisfaction ``z``. A share of customers (more for low ``z`` and the basic plan) only
  try the product and leave within days; the rest stay for an exponential time whose mean grows
  with ``z`` and the plan. That gives a retention curve that drops steeply then flattens
  (by calendar-month cohorts about 49 % active in month 1, 37 % in month 2, 19 % in month 12);
* visits come at a rate that decays with tenure (new customers are busiest), with the same
  seasonality; about 30 % of customers who stay longer than five months or so go quiet for two
  to five months and then come back, so there are resurrected ("returning") customers;
* purchase amounts are log-normal around a plan-specific median;
* a subscription starts on the day of the customer's first event; a churned customer's
  subscription ends 1-30 days after their last event (a billing period running out), and is
  left empty when that end would fall after the window (still a customer);
* NPS surveys go out 7 and 30 days after signup and then every quarter; about 30 % are answered
  within a week, only while the customer is still active. Scores rise with ``z`` (so customers
  who stay score higher) and with tenure, and drop shortly before a customer leaves.

With the default window the event log has about :data:`EVENTS_PER_CUSTOMER` rows per customer,
so ``customers = rows / EVENTS_PER_CUSTOMER`` gives a log of about ``rows`` rows (29,000
customers for a million events). The same seed, customer count and window always give the same
files, byte for byte.
"""

from __future__ import annotations

import calendar
import os
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

DEFAULT_SEED = 42
DEFAULT_CUSTOMERS = 5000
DEFAULT_UNTIL = date(2026, 10, 31)
WINDOW_MONTHS = 24

# what sample_data/ is generated with (see tests/test_sample.py):
#   workbench sample sample_data --seed 42 --customers 2500
BUNDLED_SEED = 42
BUNDLED_CUSTOMERS = 2500

# measured average over seeds with the default 24-month window
EVENTS_PER_CUSTOMER = 34

EVENT_NAMES = ["login", "view", "purchase"]
FILES = {"events": "events.csv", "subscriptions": "subscriptions.csv", "nps": "nps.csv"}

PLANS = np.array(["basic", "pro", "team"])
PLAN_SHARE = np.array([0.62, 0.29, 0.09])
PLAN_MRR = np.array([19.0, 49.0, 129.0])
PLAN_TRYER_LOGIT = np.array([0.45, 0.15, -0.25])  # share who leave within days (at z = 0)
PLAN_KEEPER_DAYS = np.array([380.0, 540.0, 780.0])  # mean stay of the others
PLAN_PURCHASE_P = np.array([0.10, 0.13, 0.16])  # chance a visit ends in a purchase
PLAN_BASKET_MEDIAN = np.array([24.0, 39.0, 82.0])

# by calendar month (index 0 = January)
ACQUISITION_SEASON = np.array([1.10, 0.95, 1.00, 1.00, 0.97, 0.90, 0.80, 0.75, 0.95, 1.00, 1.15, 1.40])
ACTIVITY_SEASON = np.array([1.05, 1.00, 1.00, 0.98, 0.97, 0.92, 0.82, 0.80, 0.95, 1.00, 1.08, 1.20])
# by weekday (index 0 = Monday)
ACQUISITION_WEEKDAY = np.array([1.05, 1.05, 1.05, 1.0, 1.0, 0.85, 0.80])
ACTIVITY_WEEKDAY = np.array([1.0, 1.0, 1.0, 1.0, 0.95, 0.85, 0.85])
# visits by hour of day, UTC
HOUR_WEIGHTS = np.array([2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 9, 9, 8, 8, 8, 8, 9, 10, 10, 9, 6, 4], dtype=float)

MONTHLY_GROWTH = 1.03
DAY = 86_400

COMMENTS = {
    "detractor": ["Too expensive for what it does", "Support was slow to answer", "Hard to set up",
                  "Missing the reports I need", "Buggy on mobile", "Not worth the price"],
    "passive": ["Does the job", "Fine but could be faster", "Good, a few rough edges",
                "Would like more integrations", "OK for now"],
    "promoter": ["Love it", "Saves me hours every week", "Great support team", "Easy to use",
                 "Best tool we use", "Recommended it to my team"],
}


def window(until: date = DEFAULT_UNTIL) -> tuple[date, date]:
    """First and last day (inclusive) of the data window: the 24 months ending on ``until``."""
    after = until + timedelta(days=1)
    year, month = after.year - WINDOW_MONTHS // 12, after.month
    start = date(year, month, min(after.day, calendar.monthrange(year, month)[1]))
    return start, until


def generate_frames(seed: int = DEFAULT_SEED, customers: int = DEFAULT_CUSTOMERS,
                    until: date = DEFAULT_UNTIL) -> dict[str, pl.DataFrame]:
    """The three tables in memory, typed (timestamps as UTC datetimes, dates as dates).

    Columns are named as in the files; see the module docstring for the model.
    """
    if customers < 1:
        raise ValueError("customers must be at least 1")
    if isinstance(until, datetime):
        until = until.date()
    rng = np.random.default_rng(seed)
    first, last = window(until)
    n_days = (last - first).days + 1
    day0 = np.datetime64(first, "D")
    days = day0 + np.arange(n_days)
    month_of_day = days.astype("datetime64[M]").astype(np.int64) % 12  # 0 = January
    weekday_of_day = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    month_no = days.astype("datetime64[M]").astype(np.int64) - day0.astype("datetime64[M]").astype(np.int64)
    activity_by_day = ACTIVITY_SEASON[month_of_day] * ACTIVITY_WEEKDAY[weekday_of_day]
    horizon = n_days * DAY  # seconds from the window start; everything happens before it

    # ---- customers: signup, plan, satisfaction, how long they stay
    weights = MONTHLY_GROWTH ** month_no * ACQUISITION_SEASON[month_of_day] * ACQUISITION_WEEKDAY[weekday_of_day]
    signup_day = rng.choice(n_days, size=customers, p=weights / weights.sum())
    signup = signup_day * DAY + _time_of_day(rng, customers)
    signup.sort()  # ids follow signup order
    signup_day = signup // DAY
    n = customers
    plan = rng.choice(len(PLANS), size=n, p=PLAN_SHARE)
    z = rng.standard_normal(n)
    tryer = rng.random(n) < 1 / (1 + np.exp(-(PLAN_TRYER_LOGIT[plan] - 0.9 * z)))
    stay_days = np.where(tryer, rng.exponential(6.0, n),
                         rng.exponential(1.0, n) * PLAN_KEEPER_DAYS[plan] * np.exp(0.35 * z))
    leaves = signup + stay_days * DAY
    churned = leaves < horizon
    active_until = np.minimum(leaves, horizon - 1)
    span = (active_until - signup) / DAY  # days observed as a customer
    engagement = np.exp(0.25 * z + 0.3 * rng.standard_normal(n))

    # a quiet spell of 2-5 months, then back (resurrection), for some long-lived customers
    gap_len = rng.uniform(60, 150, n)
    has_gap = (rng.random(n) < 0.3) & (span > gap_len + 90)
    gap_from = signup + (30 + rng.random(n) * np.maximum(span - gap_len - 60, 0)) * DAY
    gap_to = gap_from + gap_len * DAY

    # ---- visits: a Poisson process whose rate decays with tenure, thinned for seasonality
    r_start, r_floor, decay_days = 0.5, 0.09, 25.0
    peak = r_start * engagement * activity_by_day.max()
    n_candidates = rng.poisson(peak * span)
    cust = np.repeat(np.arange(n), n_candidates)
    t = signup[cust] + rng.random(cust.size) * span[cust] * DAY
    tenure = (t - signup[cust]) / DAY
    rate = (r_floor + (r_start - r_floor) * np.exp(-tenure / decay_days)) * engagement[cust]
    rate = rate * activity_by_day[(t // DAY).astype(np.int64)]
    keep = rng.random(cust.size) * peak[cust] < rate
    keep &= ~(has_gap[cust] & (t >= gap_from[cust]) & (t < gap_to[cust]))
    cust, t = cust[keep], t[keep]
    # visits happen at plausible hours: keep the day, redraw the time of day
    t = (t // DAY).astype(np.int64) * DAY + _time_of_day(rng, t.size)
    later = t > signup[cust]
    cust, t = cust[later], t[later]
    # every customer's first visit is their signup
    cust = np.concatenate([np.arange(n), cust])
    t = np.concatenate([signup, t])
    order = np.lexsort((t, cust))
    cust, t = cust[order], t[order]
    # a visit starting within 15 minutes of the customer's previous one is the same visit
    overlaps = np.zeros(cust.size, dtype=bool)
    overlaps[1:] = (cust[1:] == cust[:-1]) & (t[1:] - t[:-1] < 900)
    cust, t = cust[~overlaps], t[~overlaps]

    events = _visit_events(rng, cust, t, plan, horizon)

    # ---- subscriptions: start at the first event, end 1-30 days after the last one if churned
    last_event = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_event, events["cust"], events["t"])
    last_day = last_event // DAY
    end_day = last_day + rng.integers(1, 31, n)
    ended = churned & (end_day < n_days)
    discount = np.where(rng.random(n) < 0.2, 0.8, 1.0)  # annual plans
    ids = np.char.add("C", np.char.zfill(np.arange(1, n + 1).astype(str), max(5, len(str(n)))))
    subscriptions = pl.DataFrame({
        "customer_id": ids,
        "start_date": days[signup_day],
        "end_date": pl.Series(days[np.minimum(end_day, n_days - 1)]).scatter(np.flatnonzero(~ended), None),
        "plan": PLANS[plan],
        "mrr": np.round(PLAN_MRR[plan] * discount, 2),
    })

    # ---- NPS: surveys at 7 and 30 days, then quarterly; answered only while still active
    offsets = np.array([7, 30] + list(range(90, 90 * 9, 90)))
    survey_day = signup_day[:, None] + offsets[None, :]
    answer_day = survey_day + rng.integers(0, 8, survey_day.shape)
    answered = rng.random(survey_day.shape) < 0.3
    still_there = np.where(churned, last_day, n_days - 1)[:, None]
    answered &= answer_day <= still_there
    who, which = np.nonzero(answered)
    response_day = answer_day[who, which]
    tenure_years = (response_day - signup_day[who]) / 365.0
    leaving_soon = churned[who] & (last_day[who] - response_day < 45)
    mean = 7.0 + 1.5 * z[who] + 0.8 * np.minimum(tenure_years, 1.5) - 1.8 * leaving_soon
    score = np.clip(np.rint(mean + rng.normal(0, 1.6, who.size)), 0, 10).astype(np.int64)
    comment = _comments(rng, score)
    nps = pl.DataFrame({
        "customer_id": ids[who],
        "response_date": days[response_day],
        "score": score,
        "comment": pl.Series(comment.tolist(), dtype=pl.String),
    }).sort(["response_date", "customer_id"], maintain_order=True)

    # strings by gathering from short lists: much faster than numpy string arrays
    event_frame = pl.DataFrame({
        "customer_id": pl.Series(ids).gather(events["cust"]),
        "seconds": events["t"],
        "event": pl.Series(EVENT_NAMES).gather(events["event"]),
        "revenue": events["revenue"],
        "plan": pl.Series(PLANS).gather(plan[events["cust"]]),
    }).with_columns(
        timestamp=(pl.lit(datetime(first.year, first.month, first.day))
                   + pl.duration(seconds=pl.col("seconds"))).dt.replace_time_zone("UTC"),
    ).sort(["seconds", "customer_id"], maintain_order=True).select(
        "customer_id", "timestamp", "event", "revenue", "plan")
    return {"events": event_frame, "subscriptions": subscriptions, "nps": nps}


def _time_of_day(rng: np.random.Generator, size: int) -> np.ndarray:
    hours = rng.choice(24, size=size, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    return hours * 3600 + rng.integers(0, 3600, size)


def _visit_events(rng: np.random.Generator, cust: np.ndarray, t: np.ndarray, plan: np.ndarray,
                  horizon: int) -> dict[str, np.ndarray]:
    """Each visit: a login, then 0+ views a minute or two apart, then maybe a purchase."""
    visits = cust.size
    n_views = np.minimum(rng.poisson(1.0, visits), 6)  # a visit lasts under 12 minutes
    bought = rng.random(visits) < PLAN_PURCHASE_P[plan[cust]]
    per_visit = 1 + n_views + bought
    visit_of = np.repeat(np.arange(visits), per_visit)
    step = np.arange(visit_of.size) - np.repeat(np.cumsum(per_visit) - per_visit, per_visit)  # 0 = login
    is_purchase = bought[visit_of] & (step == per_visit[visit_of] - 1)
    kind = np.where(step == 0, 0, np.where(is_purchase, 2, 1))  # index into EVENT_NAMES
    seconds = t[visit_of] + step * 90 + np.where(step > 0, rng.integers(0, 90, visit_of.size), 0)
    plan_of = plan[cust[visit_of]]
    amount = np.exp(np.log(PLAN_BASKET_MEDIAN[plan_of]) + 0.55 * rng.standard_normal(visit_of.size))
    revenue = np.where(is_purchase, np.round(amount, 2), np.nan)
    inside = seconds < horizon
    return {"cust": cust[visit_of][inside], "t": seconds[inside], "event": kind[inside],
            "revenue": pl.Series(revenue[inside], nan_to_null=True)}


def _comments(rng: np.random.Generator, score: np.ndarray) -> np.ndarray:
    out = np.full(score.size, None, dtype=object)
    has = rng.random(score.size) < 0.4
    for group, mask in (("detractor", score <= 6), ("passive", (score >= 7) & (score <= 8)),
                        ("promoter", score >= 9)):
        pick = has & mask
        choices = np.array(COMMENTS[group], dtype=object)
        out[pick] = choices[rng.integers(0, len(choices), int(pick.sum()))]
    return out


def to_csv_frames(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The frames with dates and times written as the files hold them (ISO 8601, UTC ``Z``)."""
    return {
        "events": frames["events"].with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%SZ")),
        "subscriptions": frames["subscriptions"],
        "nps": frames["nps"],
    }


def generate(directory: str | os.PathLike[str], seed: int = DEFAULT_SEED, customers: int = DEFAULT_CUSTOMERS,
             until: date = DEFAULT_UNTIL) -> dict[str, Path]:
    """Write events.csv, subscriptions.csv and nps.csv into ``directory`` (created if missing).

    Each file is written to a temporary file beside it and then moved into place, so a reader
    never sees half a file. Returns the path of each kind. Raises ``NotADirectoryError`` when
    ``directory`` is an existing file.
    """
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    frames = to_csv_frames(generate_frames(seed=seed, customers=customers, until=until))
    written: dict[str, Path] = {}
    for kind, name in FILES.items():
        target = folder / name
        write_atomically(frames[kind], target)
        written[kind] = target
    return written


def write_atomically(frame: pl.DataFrame, target: Path) -> None:
    """Write ``frame`` as CSV to ``target`` via a temporary file in the same folder and os.replace."""
    tmp = target.parent / f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        with open(tmp, "xb") as fh:  # "x": never clobber; permissions follow the umask
            frame.write_csv(fh, float_precision=2, date_format="%Y-%m-%d")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
