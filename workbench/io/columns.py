"""Recognising which column plays which role, and so which kind of data a file holds.

Names are compared after normalising (lower case, runs of non-alphanumerics become ``_``),
so ``Customer ID``, ``customer-id`` and ``customerId`` are all ``customer_id``-like. Each
role has tiers of names: the first tier with any match wins, and two matches in the same
tier are ambiguous (we would rather ask than guess silently).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from workbench.io.content import Sample
from workbench.io.problems import Problem, Severity
from workbench.io.text import printable

KINDS = ("events", "subscriptions", "nps", "cohorts")  # cohorts: ready-made tables, see cohorts.py

ROLE_NAMES: dict[str, list[list[str]]] = {
    "id": [
        # the person: a customer, user or account, as the product or billing system knows them
        ["customer_id", "user_id", "person_id", "account_id", "member_id", "subscriber_id", "customerid", "userid",
         "contact_id", "amplitude_id", "account_code", "msno", "cust", "customer_unique_id", "external_id",
         "end_user_id", "external_reference", "external_data_reference"],
        # an analytics tool's anonymous or tracking id: used only when no person id is there (or it is mostly
        # empty); then a device's
        ["distinct_id", "anonymous_id", "user_pseudo_id", "domain_userid", "person_distinct_ids_0", "client_id",
         "hotjar_user_id"],
        ["email", "email_address", "customer_email", "user_email", "recipient_email", "end_user_email"],
        ["device_id", "network_userid", "visitor_id", "cookie_id", "network_id"],
        ["customer", "user", "person", "respondent", "uid"],
        ["respondent_id", "id"],
    ],
    "time": [
        ["timestamp", "event_time", "event_timestamp", "occurred_at", "ts", "time", "response_date",
         "responded_at", "responded", "submitted_at", "submit_date", "survey_date", "order_date", "purchase_date",
         "transaction_date", "invoice_date", "order_purchase_timestamp", "derived_tstamp", "answered_at",
         "recorded_date", "date_submitted"],
        ["date", "datetime", "created_at", "created", "event_at", "event_date", "received_at", "sent_at",
         "collector_tstamp", "dvce_created_tstamp"],
        ["end_date"],  # a survey's end is when it was answered (SurveyMonkey); its start is when it was opened
        ["start_date"],
    ],
    "start": [
        ["start_date", "start", "started_at", "start_at", "start_time", "subscription_start", "subscribed_at",
         "begin_date", "subscription_start_date"],
        ["activated_at", "activation_date", "signup_date", "signed_up_at"],
        ["created_at", "created"],
    ],
    "end": [
        # when the customer left; a cancellation is often a request, effective later (Stripe, Recurly)
        ["end_date", "end", "ended_at", "end_at", "end_time", "expires_at", "expired_at", "expiration_date",
         "churn_date", "churned_at", "subscription_end", "terminated_at"],
        ["canceled_at", "cancelled_at", "cancel_date", "cancellation_date", "canceled_date", "cancelled_date"],
    ],
    "score": [
        ["score", "nps", "nps_score", "likelihood_to_recommend", "recommend_score", "ltr", "nps_rating"],
        ["rating", "answer"],  # only when the values are whole numbers from 0 to 10
    ],
    "revenue": [
        ["revenue", "mrr", "amount", "order_value", "sales", "monthly_revenue", "actual_amount_paid", "amount_paid",
         "purchase_revenue", "payment_value", "total_amount"],
        ["price", "total", "value", "purchase_revenue_in_usd"],
    ],
    "comment": [["comment", "comments", "feedback", "verbatim", "reason", "text"]],
    "segment": [["segment", "plan", "plan_name", "plan_code", "plan_id", "tier", "channel", "country", "region"]],
}

# second-tier score names and score columns named after the question must hold scores (see content.py)
CONTENT_CHECKED_SCORE_TIER = 1
QUESTION_WORDS = ("recommend", "likely")
NOT_A_SCORE = re.compile(r"(group|category|segment|text|comment|reason|why)$")  # Qualtrics' Q1_NPS_GROUP

# never the respondent or customer, whatever else the name says: one row, response, order or event each
NOT_AN_ID = re.compile(
    r"(^|_)(response|row|event|insert|message|order|invoice|transaction|submission|session|record|line|item|"
    r"product|subscription|plan|collector|survey|payment)_?(id|no|number|uuid|token|code)$|^(uuid|token|_)$")

# objects whose fields are a record's own fields, in the exports' nested JSON and dotted CSV headers
CONTAINERS = {"properties", "event_properties", "user_properties", "person", "person_properties", "traits",
              "context", "ecommerce", "geo", "device", "subscriptions", "subscription", "customers", "customer",
              "data", "attributes", "fields", "record"}

# a unit written after a name (Stripe: "Created (UTC)") does not change what the column is
_UNIT_SUFFIX = re.compile(r"_(utc|gmt|z)$")

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


def name_keys(name: str) -> set[str]:
    """The names a column answers to: its normalised name, without a unit suffix (``Created (UTC)`` is
    ``created``), and its last dotted part when the part before is a container of fields (``properties.time``
    from nested JSON is ``time``; ``last_payment.amount`` is not an amount of revenue)."""
    full = normalise(name)
    keys = {full, _UNIT_SUFFIX.sub("", full)}
    if "." in name:
        parts = name.rsplit(".", 2)
        if normalise(parts[-2]) in CONTAINERS:
            last = normalise(parts[-1])
            keys |= {last, _UNIT_SUFFIX.sub("", last)}
    return keys - {""}


def role_for_name(name: str) -> str | None:
    """The first role whose names include this column's name, if any (``User ID`` -> ``id``)."""
    keys = name_keys(name)
    return next((role for role, tiers in ROLE_NAMES.items() if any(keys & set(tier) for tier in tiers)), None)


@dataclass
class ColumnMap:
    """The kind of a file and the source column behind each role.

    ``derived``: columns made from others, in order, when no column holds a role as such (revenue as
    price × quantity, or only on purchase events; see :mod:`workbench.io.derive`). A role's column may be
    one of them; they are text, like a CSV's columns, so the usual parsing and checks apply.
    """

    kind: str
    roles: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    derived: dict[str, pl.Expr] = field(default_factory=dict)

    def get(self, role: str) -> str | None:
        return self.roles.get(role)


def _by_name(columns: list[str], role: str) -> list[list[str]]:
    """The columns whose names fit the role, tier by tier (a column in the first tier that fits it)."""
    ranked: list[list[tuple[int, str]]] = [[] for _ in ROLE_NAMES[role]]
    for col in columns:
        keys = name_keys(col)
        if role == "id" and NOT_AN_ID.search(normalise(col)):
            continue
        for number, tier in enumerate(ROLE_NAMES[role]):
            if places := [tier.index(k) for k in keys if k in tier]:
                ranked[number].append((min(places), col))
                break
    return [[col for _, col in sorted(tier, key=lambda found: found[0])] for tier in ranked]  # in the names' order


def _tiers(columns: list[str], role: str, sample: Sample | None) -> list[list[str]]:
    """Candidate columns for a role, tier by tier, once what the sample says is taken into account."""
    tiers = _by_name(columns, role)
    if sample is None:
        return tiers
    choice = sum(map(len, tiers)) > 1  # with one candidate or none, the content has nothing to decide
    if role in ("time", "start", "end") and choice:
        parsing = [[c for c in tier if sample.parses_as_time(c)] for tier in tiers]
        return parsing if any(parsing) else tiers  # none parses: the name decides, and the checks say why
    if role == "score":
        tiers[CONTENT_CHECKED_SCORE_TIER] = [c for c in tiers[CONTENT_CHECKED_SCORE_TIER] if sample.holds_scores(c)]
        named = {c for tier in tiers for c in tier}
        asked = [c for c in columns if c not in named and not NOT_A_SCORE.search(normalise(c))
                 and any(w in normalise(f"{c} {sample.labels.get(c, '')}") for w in QUESTION_WORDS)
                 and sample.holds_scores(c)]
        return [*tiers, asked]
    if role == "id" and choice:
        # an id empty in most rows (a user id before sign-in) gives way to one that is filled in
        filled = [[c for c in tier if sample.filled(c) >= 0.5] for tier in tiers]
        return filled if any(filled) else tiers
    return tiers


def _candidates(columns: list[str], role: str, sample: Sample | None = None) -> tuple[list[str], int | None]:
    for tier_no, found in enumerate(_tiers(columns, role, sample)):
        if found:
            return found, tier_no
    return [], None


def _settle(role: str, found: list[str], kind: str, sample: Sample | None) -> list[str]:
    """Among equally named candidates, the ones the content prefers: for an id, one always filled in, then
    (events) one that repeats across rows. Still several: the caller says it is ambiguous."""
    if sample is None or len(found) < 2 or role != "id":
        return found
    complete = [c for c in found if sample.filled(c) == 1.0]
    found = complete or found
    if kind == "events" and len(found) > 1:
        found = [c for c in found if sample.repeats(c)] or found
    return found


def guess_kind(columns: list[str], sample: Sample | None = None) -> str:
    """nps with a score; subscriptions with an end, or a start (not also a time name, as ``created_at`` is)
    and no clear event time; else events. A weak time name (``date``, a nested ``last_payment.date``) does
    not make a table with a ``signup_date`` an event log."""
    found = {role: _tiers(columns, role, sample) for role in ("time", "start", "end", "score")}
    if any(found["score"]):
        return "nps"
    times = {c for tier in found["time"] for c in tier}
    start_only = [c for tier in found["start"] for c in tier if c not in times]
    if any(found["end"]) or (start_only and not found["time"][0]):
        return "subscriptions"
    return "events"


def _kind_from_overrides(columns: list[str], overrides: dict[str, str | None],
                         sample: Sample | None = None) -> str | None:
    """The kind the column options imply (--score: nps, --start/--end: subscriptions, --time: not
    subscriptions), if they imply one; None leaves it to the column names."""
    given = {role for role, col in overrides.items() if col}
    if "score" in given:
        return "nps"
    if given & {"start", "end"}:
        return "subscriptions"
    if "time" in given and guess_kind(columns, sample) == "subscriptions":
        return "events"
    return None


def _alternatives(columns: list[str], role: str, chosen: str, sample: Sample | None) -> list[str]:
    """Other columns that could play the role (a device id beside the person id, a cancellation date beside
    the end): named in a note so the analyst sees the choice. Generic names (``id``) are not offered."""
    tiers = _by_name(columns, role)[:4] if role == "id" else _tiers(columns, role, sample)
    return [c for tier in tiers for c in tier if c != chosen]


def _choice_note(path: str, role: str, chosen: str, others: list[str]) -> Problem:
    option = OPTION_FOR_ROLE[role]
    listed = ", ".join(f"{printable(c)} ({option} {_quoted(c)})" for c in others)
    return Problem("column_choice", Severity.NOTE, path, f"{role}: {printable(chosen)}; also possible: {listed}",
                   "nothing to do if that is the right column; otherwise pass the option shown",
                   column=printable(chosen))


def _quoted(name: str) -> str:
    shown = printable(name)
    return f"'{shown}'" if re.search(r"[^A-Za-z0-9_.$-]", shown) else shown


def map_columns(path: str, columns: list[str], kind: str | None, overrides: dict[str, str | None],
                sample: Sample | None = None) -> ColumnMap:
    """Decide the kind and the column for each role, or raise ColumnError with the problems.

    ``sample`` (the first rows, see :mod:`workbench.io.content`) lets the values decide between columns the
    names leave open; without it only the names are used.
    """
    problems: list[Problem] = []
    for role, col in overrides.items():
        if col is not None and col not in columns:
            problems.append(Problem(
                "missing_column", Severity.ERROR, path, f"{OPTION_FOR_ROLE[role]} names '{printable(col)}', which is not a column",
                f"use one of: {_names(columns)}", column=printable(col)))
    if problems:
        raise ColumnError(problems)

    chosen_kind = kind or _kind_from_overrides(columns, overrides, sample) or guess_kind(columns, sample)
    cmap = ColumnMap(kind=chosen_kind)
    taken: set[str] = {c for c in overrides.values() if c}  # never auto-pick a column named for another role
    usable = REQUIRED[chosen_kind] + OPTIONAL[chosen_kind]
    notes: list[Problem] = []
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
        free = [c for c in columns if c not in taken]
        found, _ = _candidates(free, role, sample)
        found = _settle(role, found, chosen_kind, sample)
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
            if role not in ("segment", "comment") and (others := _alternatives(free, role, found[0], sample)):
                notes.append(_choice_note(path, role, found[0], others))
        elif required:
            names = ", ".join(ROLE_NAMES[role][0][:5])
            problems.append(Problem(
                "missing_column", Severity.ERROR, path,
                f"no {role} column found for {chosen_kind} data (columns are: {_names(columns) or 'none'})",
                f"name the column with {OPTION_FOR_ROLE[role]} COLUMN, or rename it to one of {names}"))
    if any(p.severity == Severity.ERROR for p in problems):
        raise ColumnError(problems)
    cmap.warnings = problems + notes
    return cmap


class ColumnError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.describe() for p in problems))
        self.problems = problems
