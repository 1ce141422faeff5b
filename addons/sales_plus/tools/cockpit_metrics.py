# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The figures of the Sales Cockpit, written once.

One registry for the payload (``sales_plus.cockpit``), the screen (sent to the
OWL client in the payload's ``metrics``), the PDF summary, the XLSX export and
the targets (the metrics a target may measure).
"""

from typing import NamedTuple

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class Metric(NamedTuple):
    """A figure of the KPI cards and summary tables."""

    key: str  # its key in the payload's figures
    label: object  # LazyGettext: translated with env._(label)
    kind: str  # money / count / percent / days
    drill: str  # the records behind it: a kind of sales_plus.cockpit.get_drilldown_action
    help: object  # LazyGettext: its definition (the card's tooltip, the README, the exports)
    lower_is_better: bool = False


class Breakdown(NamedTuple):
    """A breakdown table of the PDF and XLSX."""

    key: str  # its key in the payload
    title: object


class Column(NamedTuple):
    """A column of the breakdown tables (a figure of a row)."""

    key: str
    label: object
    kind: str


# the KPI cards and the summary lines, in display order. Every figure is in the
# company currency, over the period asked for; what each one is (its ``help``)
# is also written in the README ("Cockpit figures").
METRICS = (
    Metric(
        "revenue",
        _lt("Revenue"),
        "money",
        "orders",
        _lt(
            "Order Value less Credit Notes: the untaxed amount of the orders confirmed in the "
            "period, less that of the credit notes posted in the period (each on its own date, "
            "salesperson and team)."
        ),
    ),
    Metric(
        "order_value",
        _lt("Order Value"),
        "money",
        "orders",
        _lt("Untaxed amount of the orders confirmed in the period (by order date), before credit notes."),
    ),
    Metric(
        "refunded",
        _lt("Credit Notes"),
        "money",
        "refunds",
        _lt("Untaxed amount of the customer credit notes posted in the period (by credit note date)."),
        lower_is_better=True,
    ),
    Metric(
        "orders",
        _lt("Orders"),
        "count",
        "orders",
        _lt("Number of orders confirmed in the period (by order date)."),
    ),
    Metric(
        "aov",
        _lt("Average Order Value"),
        "money",
        "orders",
        _lt("Order Value / Orders, before credit notes: Average Order Value times Orders is Order Value."),
    ),
    Metric(
        "margin",
        _lt("Gross Margin"),
        "money",
        "orders",
        _lt(
            "Untaxed sales price less cost of the orders confirmed in the period, before credit notes "
            "(a credit note carries no cost)."
        ),
    ),
    Metric(
        "margin_pct",
        _lt("Margin %"),
        "percent",
        "orders",
        _lt("Gross Margin / Order Value, both before credit notes."),
    ),
    Metric(
        "invoiced",
        _lt("Invoiced"),
        "money",
        "invoices",
        _lt("Untaxed amount of the customer invoices posted in the period less their credit notes."),
    ),
    Metric(
        "collected",
        _lt("Collected"),
        "money",
        "payments",
        _lt(
            "Customer payments (registered payments and bank statement lines) matched with customer "
            "invoices in the period, on the later of the payment and invoice dates, with taxes. Credit "
            "notes, write-offs and exchange differences are not payments."
        ),
    ),
    Metric(
        "collection_rate",
        _lt("Collection Rate"),
        "percent",
        "due",
        _lt(
            "Of the customer invoices falling due in the period (up to today), the share paid to date: "
            "payments / (payments + amount still open). What credit notes, write-offs and exchange "
            "differences settled counts on neither side."
        ),
    ),
    Metric(
        "overdue",
        _lt("Overdue Receivables"),
        "money",
        "overdue",
        _lt("Amount still open today on customer invoices past their due date, whatever the period."),
        lower_is_better=True,
    ),
    Metric(
        "customers",
        _lt("Customers"),
        "count",
        "customers",
        _lt("Customers (their commercial entity) with an order confirmed in the period."),
    ),
    Metric(
        "new_customers",
        _lt("New Customers"),
        "count",
        "new_customers",
        _lt("Customers whose first confirmed order in the company ever is in the period."),
    ),
    Metric(
        "returning_customers",
        _lt("Returning Customers"),
        "count",
        "returning_customers",
        _lt("Customers of the period who had ordered before it: Customers less New Customers."),
    ),
    Metric(
        "repurchase_rate",
        _lt("Repurchase Rate"),
        "percent",
        "customers",
        _lt("Share of the period's customers with two orders or more in it."),
    ),
)
METRICS_BY_KEY = {metric.key: metric for metric in METRICS}

# the pipeline panel: quotations still open and their conversion (its own
# figures, not compared with other periods)
PIPELINE_METRICS = (
    Metric(
        "open_quotations",
        _lt("Open Quotations"),
        "count",
        "open_quotations",
        _lt("Quotations (draft or sent) open today, whatever the period."),
    ),
    Metric(
        "open_quotations_amount",
        _lt("Open Quotations Amount"),
        "money",
        "open_quotations",
        _lt("Untaxed amount of the quotations open today."),
    ),
    Metric(
        "price_approval_waiting",
        _lt("Waiting for Price Approval"),
        "count",
        "price_approval_waiting",
        _lt("Open quotations whose price approval has been requested and is not decided yet."),
        lower_is_better=True,
    ),
    Metric(
        "price_approval_oldest_days",
        _lt("Oldest Approval Wait (Days)"),
        "days",
        "price_approval_waiting",
        _lt("Days since the oldest of these price approvals was requested."),
        lower_is_better=True,
    ),
    Metric(
        "price_approval_average_days",
        _lt("Average Approval Wait (Days)"),
        "days",
        "price_approval_waiting",
        _lt("Average number of days these price approvals have been waiting."),
        lower_is_better=True,
    ),
    Metric(
        "quotations_created",
        _lt("Quotations of the Period"),
        "count",
        "quotations_created",
        _lt("Quotations created in the period (by creation date), whatever became of them."),
    ),
    Metric(
        "quotations_converted",
        _lt("Converted to Orders"),
        "count",
        "quotations_converted",
        _lt("Of the quotations created in the period, those confirmed as orders to date."),
    ),
    Metric(
        "conversion_rate",
        _lt("Conversion Rate"),
        "percent",
        "quotations_created",
        _lt("Converted to Orders / Quotations of the Period."),
    ),
)

# the metrics a target measures (sales_plus.target.metric), in display order
TARGET_METRICS = tuple(
    METRICS_BY_KEY[key] for key in ("revenue", "invoiced", "margin", "collected", "new_customers")
)
TARGET_METRIC_KEYS = tuple(metric.key for metric in TARGET_METRICS)

# the breakdown tables of the PDF and XLSX
BREAKDOWNS = (
    Breakdown("by_salesperson", _lt("By Salesperson")),
    Breakdown("by_team", _lt("By Sales Team")),
    Breakdown("by_region", _lt("By Region")),
    Breakdown("by_category", _lt("By Product Category")),
    Breakdown("by_product", _lt("Top Products")),
    Breakdown("top_products_margin", _lt("Top Products by Margin")),
    Breakdown("by_segment", _lt("By Customer Segment")),
    Breakdown("by_abc", _lt("By ABC Class")),
)
# their columns; a table shows those its rows have
BREAKDOWN_COLUMNS = (
    Column("revenue", _lt("Revenue"), "money"),
    Column("order_value", _lt("Order Value"), "money"),
    Column("refunded", _lt("Credit Notes"), "money"),
    Column("orders", _lt("Orders"), "count"),
    Column("margin", _lt("Gross Margin"), "money"),
    Column("margin_pct", _lt("Margin %"), "percent"),
    Column("invoiced", _lt("Invoiced"), "money"),
    Column("collected", _lt("Collected"), "money"),
    Column("collection_rate", _lt("Collection Rate"), "percent"),
    Column("overdue", _lt("Overdue Receivables"), "money"),
    Column("new_customers", _lt("New Customers"), "count"),
    Column("quantity", _lt("Quantity"), "count"),
    Column("customers", _lt("Customers"), "count"),
    Column("revenue_last_year", _lt("Revenue, Same Period Last Year"), "money"),
    Column("revenue_target", _lt("Revenue Target"), "money"),
    Column("revenue_member_target", _lt("Sum of Member Targets"), "money"),
    Column("revenue_completion", _lt("Target Completion"), "percent"),
)


def selection(metrics):
    """``[(key, label)]`` of ``metrics`` for a Selection field: the English
    labels, which Odoo translates as the field's selection values."""
    return [(metric.key, metric.label._source) for metric in metrics]


# the choices of sales_plus.target.metric and of the target wizards
TARGET_METRIC_SELECTION = selection(TARGET_METRICS)


def labels(env):
    """The registry in the language of ``env``: ``metrics`` and
    ``pipeline_metrics`` for the screen (sent in the payload: ``[{key, label,
    kind, drill, help, lower_is_better}]``); ``kpis`` and ``pipeline``
    (``[(key, label, kind, help)]``), ``target_metrics``
    (``[(key, label, kind)]``), ``breakdowns``
    (``[(key, title)]``) and ``breakdown_columns`` (``[(key, label, kind)]``)
    for the PDF and the XLSX."""

    def describe(metric):
        return {
            "key": metric.key,
            "label": env._(metric.label),
            "kind": metric.kind,
            "drill": metric.drill,
            "help": env._(metric.help),
            "lower_is_better": metric.lower_is_better,
        }

    metrics = [describe(metric) for metric in METRICS]
    pipeline = [describe(metric) for metric in PIPELINE_METRICS]
    by_key = {metric["key"]: metric for metric in metrics}
    return {
        "metrics": metrics,
        "kpis": [(metric["key"], metric["label"], metric["kind"], metric["help"]) for metric in metrics],
        "pipeline_metrics": pipeline,
        "pipeline": [(metric["key"], metric["label"], metric["kind"], metric["help"]) for metric in pipeline],
        "target_metrics": [(key, by_key[key]["label"], by_key[key]["kind"]) for key in TARGET_METRIC_KEYS],
        "breakdowns": [(breakdown.key, env._(breakdown.title)) for breakdown in BREAKDOWNS],
        "breakdown_columns": [(column.key, env._(column.label), column.kind) for column in BREAKDOWN_COLUMNS],
    }
