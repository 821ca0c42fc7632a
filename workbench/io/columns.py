"""Recognising which column plays which role, and so which kind of data a file holds.

Names are compared after normalising (lower case, runs of non-alphanumerics become ``_``),
so ``Customer ID``, ``customer-id`` and ``customerId`` are all ``customer_id``-like. Each
role has tiers of names: the first tier with any match wins, and two matches in the same
tier are ambiguous (we would rather ask than guess silently).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workbench.io.problems import Problem, Severity
from workbench.io.text import printable

KINDS = ("events", "subscriptions", "nps")

ROLE_NAMES: dict[str, list[list[str]]] = {
    "id": [
        ["customer_id", "user_id", "distinct_id", "client_id", "account_id", "member_id", "subscriber_id",
         "customerid", "userid", "contact_id"],
        ["customer", "user", "respondent_id", "respondent", "uid", "id", "email"],
    ],
    "time": [
        ["timestamp", "event_time", "event_timestamp", "occurred_at", "ts", "time", "event_date",
         "response_date", "responded_at", "submitted_at", "survey_date", "order_date", "purchase_date",
         "transaction_date", "invoice_date"],
        ["date", "datetime", "created_at", "created", "event_at"],
    ],
    "start": [
        ["start_date", "start", "started_at", "start_at", "start_time", "subscription_start", "subscribed_at",
         "begin_date", "activated_at", "signup_date", "signed_up_at"],
        ["created_at", "created"],
    ],
    "end": [
        ["end_date", "end", "ended_at", "end_at", "end_time", "canceled_at", "cancelled_at", "cancel_date",
         "cancellation_date", "churn_date", "churned_at", "subscription_end", "terminated_at"],
    ],
    "score": [
        ["score", "nps", "nps_score", "likelihood_to_recommend", "recommend_score", "ltr"],
        ["rating"],
    ],
    "revenue": [
        ["revenue", "mrr", "amount", "order_value", "sales", "monthly_revenue"],
        ["price", "total", "value"],
    ],
    "comment": [["comment", "comments", "feedback", "verbatim", "reason", "text"]],
    "segment": [["segment", "plan", "plan_name", "tier", "channel", "country", "region"]],
}

# which roles each kind needs, and which it may use
REQUIRED = {"events": ("id", "time"), "subscriptions": ("id", "start"), "nps": ("id", "time", "score")}
OPTIONAL = {"events": ("revenue", "segment"), "subscriptions": ("end", "revenue", "segment"),
            "nps": ("comment", "segment")}

OPTION_FOR_ROLE = {"id": "--id", "time": "--time", "start": "--start", "end": "--end", "score": "--score",
                   "revenue": "--revenue", "comment": "--comment", "segment": "--segment"}


def _names(columns: list[str]) -> str:
    """Column names for a message, with any control characters (terminal escapes) made visible."""
    return ", ".join(printable(c) for c in columns)


def normalise(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())  # customerId -> customer_Id
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def role_for_name(name: str) -> str | None:
    """The first role whose names include this column's name, if any (``User ID`` -> ``id``)."""
    norm = normalise(name)
    return next((role for role, tiers in ROLE_NAMES.items() if any(norm in tier for tier in tiers)), None)


@dataclass
class ColumnMap:
    """The kind of a file and the source column behind each role."""

    kind: str
    roles: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    def get(self, role: str) -> str | None:
        return self.roles.get(role)


def _candidates(columns: list[str], role: str) -> tuple[list[str], int | None]:
    by_norm: dict[str, list[str]] = {}
    for col in columns:
        by_norm.setdefault(normalise(col), []).append(col)
    for tier_no, tier in enumerate(ROLE_NAMES[role]):
        found = [col for name in tier for col in by_norm.get(name, [])]
        if found:
            return found, tier_no
    return [], None


def guess_kind(columns: list[str]) -> str:
    has = {role: bool(_candidates(columns, role)[0]) for role in ("time", "start", "end", "score")}
    if has["score"]:
        return "nps"
    if has["end"] or (has["start"] and not has["time"]):
        return "subscriptions"
    return "events"


def _kind_from_overrides(columns: list[str], overrides: dict[str, str | None]) -> str | None:
    """The kind the column options imply (--score: nps, --start/--end: subscriptions, --time: not
    subscriptions), if they imply one; None leaves it to the column names."""
    given = {role for role, col in overrides.items() if col}
    if "score" in given:
        return "nps"
    if given & {"start", "end"}:
        return "subscriptions"
    if "time" in given and guess_kind(columns) == "subscriptions":
        return "events"
    return None


def map_columns(path: str, columns: list[str], kind: str | None, overrides: dict[str, str | None]) -> ColumnMap:
    """Decide the kind and the column for each role, or raise ValueError with the problems."""
    problems: list[Problem] = []
    for role, col in overrides.items():
        if col is not None and col not in columns:
            problems.append(Problem(
                "missing_column", Severity.ERROR, path, f"{OPTION_FOR_ROLE[role]} names '{printable(col)}', which is not a column",
                f"use one of: {_names(columns)}", column=printable(col)))
    if problems:
        raise ColumnError(problems)

    chosen_kind = kind or _kind_from_overrides(columns, overrides) or guess_kind(columns)
    cmap = ColumnMap(kind=chosen_kind)
    taken: set[str] = {c for c in overrides.values() if c}  # never auto-pick a column named for another role
    usable = REQUIRED[chosen_kind] + OPTIONAL[chosen_kind]
    for role, col in overrides.items():
        if col and role not in usable:
            problems.append(Problem(
                "unused_option", Severity.NOTE, path,
                f"{OPTION_FOR_ROLE[role]} {printable(col)} is ignored: {chosen_kind} data has no {role} column",
                "leave the option out, or choose the kind of data with --kind", column=printable(col)))
    for role in REQUIRED[chosen_kind] + OPTIONAL[chosen_kind]:
        if overrides.get(role):
            cmap.roles[role] = overrides[role]  # type: ignore[assignment]
            taken.add(overrides[role])  # type: ignore[arg-type]
            continue
        found, _ = _candidates([c for c in columns if c not in taken], role)
        required = role in REQUIRED[chosen_kind]
        if len(found) > 1 and role not in ("segment", "comment"):
            problems.append(Problem(
                "ambiguous_column", Severity.ERROR if required else Severity.WARNING, path,
                f"several columns could be the {role}: {_names(found)}",
                f"choose one with {OPTION_FOR_ROLE[role]} {printable(found[0])}", column=printable(found[0])))
            continue
        if found:
            cmap.roles[role] = found[0]
            taken.add(found[0])
        elif required:
            names = ", ".join(ROLE_NAMES[role][0][:5])
            problems.append(Problem(
                "missing_column", Severity.ERROR, path,
                f"no {role} column found for {chosen_kind} data (columns are: {_names(columns) or 'none'})",
                f"name the column with {OPTION_FOR_ROLE[role]} COLUMN, or rename it to one of {names}"))
    if any(p.severity == Severity.ERROR for p in problems):
        raise ColumnError(problems)
    cmap.warnings = problems
    return cmap


class ColumnError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.describe() for p in problems))
        self.problems = problems

