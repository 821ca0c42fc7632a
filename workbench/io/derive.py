"""Revenue made from other columns when no column holds it as such.

* Price × quantity: an order line (UCI Online Retail: ``Quantity``, ``Price``; Recurly: ``quantity``,
  ``unit_amount``) holds the price of one unit, so the line's revenue is their product.
* Purchases only: in an event log where every event carries the product's price (the Kaggle e-commerce log:
  ``view``, ``cart``, ``purchase``), only purchase events are revenue. Applied when an event-type column has
  purchase events and some other event carries an amount.

Derived columns are text, like a CSV's, so the usual number parsing and its checks apply to them: a row whose
price cannot be read shows that price as the example of a ``bad_number`` warning.
"""

from __future__ import annotations

import polars as pl

from workbench.io.columns import ColumnMap, name_keys
from workbench.io.parse import as_text, parse_number
from workbench.io.problems import Problem, Severity
from workbench.io.text import printable

PRICE_NAMES = {"price", "unit_price", "unitprice", "unit_amount", "item_price"}
QUANTITY_NAMES = {"quantity", "qty", "units"}
EVENT_TYPE_NAMES = ("event_type", "event_name", "event", "event_text", "type")
# the event names tools give a completed purchase
PURCHASE = (r"(?i)^\s*(purchase|purchased|order[ _-]?completed|completed[ _-]?order|order[ _-]?placed|"
            r"checkout[ _-]?completed|transaction|charge[ _-]?succeeded|invoice[ _-]?paid|payment)\s*$")


def _find(columns: list[str], names: set[str] | tuple[str, ...], taken: set[str]) -> str | None:
    for name in names if isinstance(names, tuple) else sorted(names):
        for col in columns:
            if col not in taken and name in name_keys(col):
                return col
    return None


def _text(col: str, dtype: pl.DataType) -> pl.Expr:
    text = as_text(col, dtype)
    return pl.when(text != "").then(text)


def derive_revenue(path: str, columns: list[str], schema: pl.Schema, frame: pl.LazyFrame, cmap: ColumnMap,
                   revenue_given: bool) -> list[Problem]:
    """Add to ``cmap`` the derived revenue column a file needs, if any, and return the notes that say so."""
    if cmap.kind not in ("events", "subscriptions") or revenue_given:
        return []
    notes: list[Problem] = []
    taken = set(cmap.roles.values())
    current = cmap.roles.get("revenue")
    if current is None:
        price = _find(columns, PRICE_NAMES, taken)
    else:  # a revenue column named as a price is one; a total (amount, sales) is already the revenue
        price = current if name_keys(current) & PRICE_NAMES else None
    quantity = _find(columns, QUANTITY_NAMES, taken | ({price} if price else set()))
    revenue_text: pl.Expr | None = _text(current, schema[current]) if current else None
    if price and quantity:
        name = f"{price} × {quantity}"
        p, q = parse_number(price, schema[price]), parse_number(quantity, schema[quantity])
        price_text, quantity_text = _text(price, schema[price]), _text(quantity, schema[quantity])
        cmap.derived[name] = (pl.when(p.is_not_null() & q.is_not_null()).then((p * q).cast(pl.String))
                              .when(p.is_null()).then(price_text).otherwise(quantity_text))
        cmap.roles["revenue"] = name
        revenue_text = pl.col(name)
        notes.append(Problem(
            "derived_revenue", Severity.NOTE, path,
            f"revenue is {printable(price)} × {printable(quantity)} on each row ({printable(price)} is the price "
            "of one unit)", f"pass --revenue {printable(price)} to take the column as it is", column=name))
        notes += _returns(path, frame, quantity, q, name)
    if cmap.kind == "events" and revenue_text is not None:
        notes += _purchases_only(path, columns, schema, frame, cmap, revenue_text, taken)
    return notes


def _returns(path: str, frame: pl.LazyFrame, quantity: str, q: pl.Expr, name: str) -> list[Problem]:
    """A note when some lines have a negative quantity: returns and cancellations (UCI Online Retail marks
    them with an invoice starting with C), whose negative revenue is subtracted, as a ledger does."""
    try:
        negative = frame.select((q < 0).sum()).collect().item()
    except Exception:  # noqa: BLE001 - a body polars cannot scan (a stray quote): the full read says why
        return []
    if not negative:
        return []
    lines = "1 line has" if negative == 1 else f"{negative:,} lines have"
    return [Problem(
        "negative_quantity", Severity.NOTE, path,
        f"{lines} a negative {printable(quantity)} (returns or cancellations); their revenue is negative and is "
        "subtracted from the period's revenue, and they still count as activity",
        "filter them out before loading if returns should not count as activity", column=name)]


def _purchases_only(path: str, columns: list[str], schema: pl.Schema, frame: pl.LazyFrame, cmap: ColumnMap,
                    revenue_text: pl.Expr, taken: set[str]) -> list[Problem]:
    event = _find(columns, EVENT_TYPE_NAMES, taken)
    if event is None or schema[event] != pl.String:
        return []
    source = cmap.roles["revenue"]
    is_purchase = pl.col(event).str.contains(PURCHASE).fill_null(False)
    facts = [is_purchase.any().alias("purchases"),
             (~is_purchase & revenue_text.is_not_null()).any().alias("others_priced"),
             pl.col(event).filter(~is_purchase & revenue_text.is_not_null()).unique(maintain_order=True)
             .head(3).implode().alias("examples")]
    try:
        priced = frame.with_columns(list(_named(cmap.derived))).select(facts).collect().row(0, named=True)
    except Exception:  # noqa: BLE001 - a body polars cannot scan (a stray quote; read later with a fallback)
        priced = {"purchases": True, "others_priced": True, "examples": []}  # decided while reading, below
    if not (priced["purchases"] and priced["others_priced"]):
        return []
    name = f"{source} on purchase events"
    # decided over the rows read, whatever reader reads them: with no purchase event at all, every row keeps it
    cmap.derived[name] = pl.when(is_purchase | is_purchase.not_().all()).then(revenue_text)
    cmap.roles["revenue"] = name
    examples = f" ({', '.join(repr(printable(v)) for v in priced['examples'])})" if priced["examples"] else ""
    return [Problem(
        "derived_revenue", Severity.NOTE, path,
        f"revenue is {printable(source)} on purchase events only ({printable(event)} says which); other events"
        f"{examples} carry a {printable(source)} that was not paid", "pass --revenue COLUMN to count every row",
        column=name)]


def _named(derived: dict[str, pl.Expr]):
    return (expr.alias(name) for name, expr in derived.items())
