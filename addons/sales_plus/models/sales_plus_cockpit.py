# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.query import Query

from ..services import cockpit_pacing
from ..tools import cockpit_metrics, tune_transaction
from ..tools.cockpit_metrics import TARGET_METRIC_KEYS

# the three periods every figure is computed for
CURRENT, PREVIOUS, LAST_YEAR = "current", "previous", "last_year"
BUCKETS = (CURRENT, PREVIOUS, LAST_YEAR)
# keys of the customers without a grade in the company (segment / ABC breakdowns)
UNGRADED_SEGMENT = -1
UNGRADED_ABC = "none"
RANKING_SIZE = 10
# the drill-downs of the pipeline figures (tools/cockpit_metrics.PIPELINE_METRICS)
PIPELINE_DRILLS = ("open_quotations", "price_approval_waiting", "quotations_created", "quotations_converted")
PARETO_SIZE = 20
# the parts of the payload, in the order the client asks for them
MONEY, CUSTOMERS = "money", "customers"
PARTS = (MONEY, CUSTOMERS)
# the figures of each part (sales_plus.cockpit._figures)
PART_FIGURES = {
    MONEY: (
        "revenue",
        "order_value",
        "refunded",
        "orders",
        "aov",
        "margin",
        "margin_pct",
        "invoiced",
        "collected",
        "collection_rate",
        "overdue",
    ),
    CUSTOMERS: ("customers", "new_customers", "returning_customers", "repurchase_rate"),
}
# the tables whose rows both parts fill (matched by their drill-down key)
ROW_TABLES = ("by_salesperson", "by_team")
# the salesperson and sales team of the documents the figures count: a document
# belongs to the team written on it (see res.users._sales_plus_scope_terms)
SCOPE_FIELDS = {"sale.order": ("user_id", "team_id"), "account.move": ("invoice_user_id", "team_id")}
# the fields of the documents a summary table has as columns of the same name
# (models/sales_plus_cockpit_summary.py): the record rules that read only these
# apply to the summary rows as to the documents
SUMMARY_FIELDS = {
    "sale.order": {"company_id", "user_id", "team_id"},
    "account.move": {"company_id", "invoice_user_id", "team_id", "move_type"},
}
# what the queries read, flushed before they run (see _flush_sources)
SOURCES = {
    "orders": (
        "sale.order",
        [
            "state",
            "company_id",
            "date_order",
            "user_id",
            "team_id",
            "cockpit_customer_id",
            "amount_untaxed",
            "currency_rate",
            "margin",
        ],
    ),
    "quotations": (
        "sale.order",
        [
            "state",
            "company_id",
            "create_date",
            "user_id",
            "team_id",
            "amount_untaxed",
            "currency_rate",
            "price_approval_state",
        ],
    ),
    "reviews": ("tier.review", ["model", "res_id", "status"]),
    "order_lines": (
        "sale.order.line",
        ["order_id", "product_id", "price_subtotal", "margin", "product_uom_qty", "display_type"],
    ),
    "products": ("product.product", ["product_tmpl_id"]),
    "templates": ("product.template", ["categ_id"]),
    "partners": ("res.partner", ["country_id", "state_id"]),
    "grades": ("sales_plus.rfm.grade", ["partner_id", "company_id", "segment_id", "abc_class"]),
    "moves": (
        "account.move",
        [
            "state",
            "move_type",
            "company_id",
            "invoice_date",
            "invoice_date_due",
            "invoice_user_id",
            "team_id",
            "commercial_partner_id",
            "amount_untaxed_signed",
            "amount_total_signed",
            "amount_residual_signed",
            "payment_state",
        ],
    ),
    "move_lines": ("account.move.line", ["move_id", "parent_state", "payment_id", "statement_line_id"]),
    "partials": (
        "account.partial.reconcile",
        ["company_id", "max_date", "amount", "debit_move_id", "credit_move_id"],
    ),
}


def ratio(numerator, denominator):
    """``numerator / denominator``; False (shown "—") when the denominator is
    zero: no None in a payload XML-RPC must carry."""
    return numerator / denominator if denominator else False


class SalesPlusCockpit(models.AbstractModel):
    """The figures of the Sales Cockpit, for the OWL client action, the XLSX
    export and the PDF summary.

    Every figure is computed by a fixed number of SQL queries (independent of the
    number of salespeople, teams, products or months), for one company at a time
    and in its currency, filtered by the companies the user may use and by their
    Sales Plus scope (own / team / all).
    """

    _name = "sales_plus.cockpit"
    _description = "Sales Cockpit Figures"

    # ---- Public API (called by the client action through RPC) ----
    # Every one only reads (@api.readonly): an Odoo started with --db_replica_host
    # serves them from a read replica.

    @api.readonly
    @api.model
    def get_cockpit_data(self, filters=None, part=None):
        """The payload of the cockpit for ``filters``: ``company_id``,
        ``period_type`` (month / quarter / year / custom), ``date_from``,
        ``date_to`` (ISO dates; default the current month), ``team_id``,
        ``user_id``.

        ``part`` (see ``PARTS``): "money" gives the money figures (revenue,
        orders, AOV, margin, invoiced, collected, collection rate, overdue,
        targets and pacing of those, trend, salesperson and team rows,
        pipeline), "customers" the customer figures (customers, new,
        returning, repurchase rate and their targets, Pareto, segment and ABC
        breakdowns) and the product, category and region tables; the client
        shows the money part first. Without ``part``, the whole payload: the
        two parts merged by :meth:`_merge_parts` (the XLSX and PDF).

        Values only JSON-RPC and XML-RPC both carry (no None): a ratio whose
        denominator is zero is False, shown as "—"."""
        if part not in (None, *PARTS):
            raise UserError(self.env._("Unknown part %(part)s of the cockpit.", part=part))
        filters = self._normalize_filters(filters or {})
        company = self.env["res.company"].browse(filters["company_id"])
        periods = self._periods(filters)
        tune_transaction(self.env)
        payload, shared = {}, {}
        for name in PARTS:
            if part in (None, name):
                builder = self._money_part if name == MONEY else self._customers_part
                payload = self._merge_parts(payload, builder(filters, periods, company, shared))
        return payload

    def _money_part(self, filters, periods, company, shared):
        figures = self._subject_figures(filters, periods, parts=(MONEY,))
        kpis, by_user, by_team = figures["kpis"], figures["user_id"], figures["team_id"]
        targets = self._targets(filters, periods, company, kpis, figures, MONEY, shared)
        labels = cockpit_metrics.labels(self.env)
        return {
            "filters": filters,
            "options": self._filter_options(filters),
            "currency": {
                "id": company.currency_id.id,
                "name": company.currency_id.name,
                "symbol": company.currency_id.symbol,
                "position": company.currency_id.position,
                "digits": company.currency_id.decimal_places,
            },
            "company": {"id": company.id, "name": company.name},
            "periods": {key: [start.isoformat(), end.isoformat()] for key, (start, end) in periods.items()},
            "metrics": labels["metrics"],
            "target_metrics": list(TARGET_METRIC_KEYS),
            "kpis": kpis,
            "targets": targets,
            "trend": self._trend(
                filters, periods, figures["orders"], figures["invoices"], figures["collected"]
            ),
            "by_salesperson": self._named(by_user, "res.users", key="user_id"),
            "by_team": self._named(by_team, "crm.team", key="team_id"),
            "pipeline_metrics": labels["pipeline_metrics"],
            "pipeline": self._query_pipeline(filters, periods),
            "empty_row": self._empty_row(MONEY),
            "parts": [MONEY],
        }

    def _customers_part(self, filters, periods, company, shared):
        figures = self._subject_figures(filters, periods, parts=(CUSTOMERS,))
        kpis, by_user, by_team = figures["kpis"], figures["user_id"], figures["team_id"]
        targets = self._targets(filters, periods, company, kpis, figures, CUSTOMERS, shared)
        lines = self._query_order_lines(filters, periods)
        payload = {
            "kpis": kpis,
            "targets": {"totals": targets["totals"]},
            "by_salesperson": self._named(by_user, "res.users", key="user_id"),
            "by_team": self._named(by_team, "crm.team", key="team_id"),
            "by_region": self._regions(self._query_regions(filters, periods)),
            "by_category": self._named(lines["categ_id"], "product.category", sort="revenue"),
            "by_product": self._named(lines["product_id"], "product.product", sort="revenue")[:RANKING_SIZE],
            "top_products_margin": self._named(lines["product_id"], "product.product", sort="margin")[
                :RANKING_SIZE
            ],
            "pareto": figures["pareto"],
            "empty_row": self._empty_row(CUSTOMERS),
            "parts": [CUSTOMERS],
        }
        payload.update(self._segment_breakdowns(figures["segments"]))
        return payload

    def _merge_parts(self, payload, part):
        """``payload`` with the keys of ``part`` added: dictionaries merged key
        by key, the salesperson and team rows matched by their ``key``, in the
        order of the first part (the rows a part adds come last); a row one
        side lacks is merged with that side's ``empty_row`` (its figures as
        zeros: the salesperson of a credit note only has no customers). Any
        other value is replaced, and ``parts`` lists the parts merged.
        cockpit.js (mergeParts) merges the parts it receives the same way."""
        merged = dict(payload)
        for name, value in part.items():
            current = merged.get(name)
            if name == "parts":
                merged[name] = [*(current or []), *value]
            elif isinstance(current, dict) and isinstance(value, dict):
                merged[name] = self._merge_parts(current, value)
            elif name in ROW_TABLES and isinstance(current, list):
                others = {repr(sorted(row["key"].items())): row for row in value}
                rows = [
                    self._merge_parts(
                        row, others.pop(repr(sorted(row["key"].items())), part.get("empty_row", {}))
                    )
                    for row in current
                ]
                merged[name] = rows + [
                    self._merge_parts(payload.get("empty_row", {}), row) for row in others.values()
                ]
            else:
                merged[name] = value
        return merged

    def _empty_row(self, part):
        """The figures of a salesperson or team row of ``part`` with nothing to
        count (see :meth:`_merge_parts`)."""
        empty = self._empty_figures((part,))
        return {**empty[CURRENT], "previous": empty[PREVIOUS], "last_year": empty[LAST_YEAR]}

    @api.readonly
    @api.model
    def get_drilldown_action(self, filters, kind, key=None):
        """A list action of the records behind a figure: the same documents,
        read with the user's rights, as the figure counts. ``kind``: orders,
        invoices, refunds, payments (the invoices the collected payments were
        matched with), due (the invoices falling due, of the collection rate),
        overdue, customers, new_customers, returning_customers (the ``drill``
        of each metric of tools/cockpit_metrics.py); ``key`` narrows it:
        ``{"bucket", "user_id", "team_id", "no_user", "no_team", "product_id",
        "categ_id", "country_id", "state_id", "region", "partner_id",
        "rfm_segment", "rfm_abc"}`` (``no_user`` / ``no_team``: the
        "Unassigned" / "No team" row; ``region``: the row of a country and
        state, False for none). Each row of the payload carries its ``key``."""
        filters = self._normalize_filters(filters or {})
        key = key or {}
        periods = self._periods(filters)
        bucket = key.get("bucket") or CURRENT
        start, end = periods[bucket]
        company_id = filters["company_id"]
        drill = self._drill_filters(filters, key)
        if kind == "orders":
            begin, stop = self._utc_bounds(start, end)
            domain = [
                ("state", "=", "sale"),
                ("company_id", "=", company_id),
                ("date_order", ">=", fields.Datetime.to_string(begin)),
                ("date_order", "<", fields.Datetime.to_string(stop)),
            ]
            domain += self._scope_domain("sale.order", drill)
            domain += self._region_domain("cockpit_customer_id", key)
            if key.get("product_id"):
                domain.append(("order_line.product_id", "=", key["product_id"]))
            if key.get("categ_id"):
                domain.append(("order_line.product_id.categ_id", "child_of", key["categ_id"]))
            if key.get("partner_id"):
                domain.append(("cockpit_customer_id", "=", key["partner_id"]))
            if "rfm_segment" in key or "rfm_abc" in key:
                # the grades are joined as the figures do (the user may not read
                # the grade of a customer another salesperson owns)
                partner_ids = self._segment_customer_ids(drill, start, end, key)
                domain.append(("cockpit_customer_id", "in", partner_ids))
            name = self.env._("Orders")
            return self._list_action(name, "sale.order", domain)
        if kind in PIPELINE_DRILLS:
            domain = [("company_id", "=", company_id), *self._scope_domain("sale.order", drill)]
            if kind in ("open_quotations", "price_approval_waiting"):
                domain.append(("state", "in", ("draft", "sent")))
            if kind == "price_approval_waiting":
                domain.append(("price_approval_state", "=", "pending"))
            if kind in ("quotations_created", "quotations_converted"):
                begin, stop = self._utc_bounds(start, end)
                domain += [
                    ("create_date", ">=", fields.Datetime.to_string(begin)),
                    ("create_date", "<", fields.Datetime.to_string(stop)),
                ]
            if kind == "quotations_converted":
                domain.append(("state", "=", "sale"))
            return self._list_action(self.env._("Quotations"), "sale.order", domain)
        if kind in ("invoices", "refunds", "overdue", "due"):
            domain = [("company_id", "=", company_id), ("state", "=", "posted")]
            today = self._today()
            if kind == "overdue":
                domain += [
                    ("move_type", "=", "out_invoice"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("invoice_date_due", "<", fields.Date.to_string(today)),
                ]
            elif kind == "due":
                domain += [
                    ("move_type", "=", "out_invoice"),
                    ("invoice_date_due", ">=", fields.Date.to_string(start)),
                    ("invoice_date_due", "<=", fields.Date.to_string(min(end, today))),
                ]
            else:
                domain += [
                    (
                        "move_type",
                        "in",
                        ("out_invoice", "out_refund") if kind == "invoices" else ("out_refund",),
                    ),
                    ("invoice_date", ">=", fields.Date.to_string(start)),
                    ("invoice_date", "<=", fields.Date.to_string(end)),
                ]
            domain += self._scope_domain("account.move", drill)
            domain += self._region_domain("commercial_partner_id", key)
            if key.get("product_id"):
                domain.append(("invoice_line_ids.product_id", "=", key["product_id"]))
            name = self.env._("Credit Notes") if kind == "refunds" else self.env._("Invoices")
            return self._list_action(name, "account.move", domain)
        if kind == "payments":
            invoice_ids = self._collected_invoice_ids(drill, start, end)
            name = self.env._("Invoices Paid")
            return self._list_action(name, "account.move", [("id", "in", invoice_ids)])
        if kind in ("customers", "new_customers", "returning_customers"):
            partner_ids = self._customer_ids(drill, start, end, kind)
            name = self.env._("Customers")
            return self._list_action(name, "res.partner", [("id", "in", partner_ids)])
        raise UserError(self.env._("Unknown figure %(kind)s.", kind=kind))

    @api.readonly
    @api.model
    def action_export_xlsx(self, filters=None):
        """The XLSX report of exactly the payload the user sees for ``filters``."""
        return self._report_action("sales_plus.sales_plus_cockpit_xlsx_report", filters)

    @api.readonly
    @api.model
    def action_print_pdf(self, filters=None):
        """The PDF summary of exactly the payload the user sees for ``filters``."""
        return self._report_action("sales_plus.sales_plus_cockpit_pdf_report", filters)

    def _report_action(self, xmlid, filters):
        filters = self._normalize_filters(filters or {})
        action = self.env.ref(xmlid).report_action(
            self.env["res.company"].browse(filters["company_id"]), data={"filters": filters}
        )
        # the context the report renders with, as a plain dict without None
        # (which XML-RPC cannot carry)
        context = {key: value for key, value in (action.get("context") or {}).items() if value is not None}
        return dict(action, context=context)

    # ---- Filters and periods ----

    def _today(self):
        return fields.Date.context_today(self.with_context(tz=self._tz()))

    def _tz(self):
        return self.env.context.get("tz") or self.env.user.tz or "UTC"

    def _normalize_filters(self, filters):
        """Checked filters: the company must be one the user may use right now."""
        allowed = self.env.companies if self.env.su else self.env.companies & self.env.user.company_ids
        company_id = filters.get("company_id") or self.env.company.id
        if company_id not in allowed.ids:
            raise AccessError(self.env._("You cannot see the figures of this company."))
        period_type = filters.get("period_type") or "month"
        today = self._today()
        if period_type in cockpit_pacing.PERIOD_TYPES:
            anchor = fields.Date.to_date(filters.get("date_from")) or today
            date_from, date_to = cockpit_pacing.period_bounds(period_type, anchor)
        elif period_type == "custom":
            date_from = fields.Date.to_date(filters.get("date_from"))
            date_to = fields.Date.to_date(filters.get("date_to"))
            if not date_from or not date_to or date_to < date_from:
                raise UserError(self.env._("Choose a period whose end is not before its start."))
        else:
            raise UserError(self.env._("Unknown period type %(type)s.", type=period_type))
        return {
            "company_id": company_id,
            "period_type": period_type,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "team_id": int(filters.get("team_id") or 0) or False,
            "user_id": int(filters.get("user_id") or 0) or False,
        }

    def _periods(self, filters):
        start = fields.Date.to_date(filters["date_from"])
        end = fields.Date.to_date(filters["date_to"])
        return {
            CURRENT: (start, end),
            PREVIOUS: cockpit_pacing.previous_period(start, end),
            LAST_YEAR: cockpit_pacing.same_period_last_year(start, end),
        }

    def _utc_bounds(self, start, end):
        """[start, end] in the user's timezone as naive UTC datetimes [begin, stop)."""
        tz = pytz.timezone(self._tz())
        begin = tz.localize(datetime.combine(start, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
        stop = tz.localize(datetime.combine(end + timedelta(days=1), time.min))
        return begin, stop.astimezone(pytz.utc).replace(tzinfo=None)

    def _slot_starts(self, periods, start, end):
        """First day of each slot (day or month, see :meth:`_slot_unit`) of
        [start, end]: the first slot starts on ``start``."""
        if self._slot_unit(periods) == "day":
            return [start + timedelta(days=n) for n in range((end - start).days + 1)]
        starts = [start]
        while True:
            year, month = divmod(starts[-1].month, 12)
            following = starts[-1].replace(year=starts[-1].year + year, month=month + 1, day=1)
            if following > end:
                return starts
            starts.append(following)

    def _bucket_copies(self, periods):
        """``{bucket: earlier bucket with the same dates}``: for a year, the
        previous period is the same year last year. Such a bucket is left out of
        the queries (its rows would be aggregated twice) and copied from the
        other one by :meth:`_copy_buckets`."""
        copies, first = {}, {}
        for key, dates in periods.items():
            if dates in first:
                copies[key] = first[dates]
            else:
                first[dates] = key
        return copies

    def _copy_buckets(self, rows, periods):
        """``rows`` of a query over :meth:`_buckets_sql` plus, for each bucket
        left out as a copy, the rows of the bucket it copies."""
        copies = self._bucket_copies(periods)
        return rows + [
            dict(row, bucket=key) for key, source in copies.items() for row in rows if row["bucket"] == source
        ]

    def _buckets_sql(self, periods, as_datetimes, slots=True):
        """VALUES (bucket, start, stop, slots) of the periods; stop excluded;
        ``slots`` the sorted starts of their days or months, so that
        ``width_bucket(date, b.slots) - 1`` is the position of a date's slot (a
        binary search, no timezone arithmetic per row); NULL without ``slots``
        (figures not split by day or month). A period with the same dates as an
        earlier one is left out (see :meth:`_copy_buckets`)."""
        rows = []
        copies = self._bucket_copies(periods)
        for key, (start, end) in periods.items():
            if key in copies:
                continue
            starts = self._slot_starts(periods, start, end) if slots else None
            if as_datetimes:
                begin, stop = self._utc_bounds(start, end)
                starts = starts and [self._utc_bounds(day, day)[0] for day in starts]
                rows.append(
                    SQL("(%s, %s::timestamp, %s::timestamp, %s::timestamp[])", key, begin, stop, starts)
                )
            else:
                rows.append(
                    SQL("(%s, %s::date, %s::date, %s::date[])", key, start, end + timedelta(days=1), starts)
                )
        return SQL("(VALUES %s) AS b(bucket, start, stop, slots)", SQL(", ").join(rows))

    def _scope_sql(self, filters, model, alias, summary=False):
        """The documents of ``model`` (sale.order or account.move, aliased
        ``alias`` in the query) a figure counts: those the user may read (the
        record rules Sales and Invoicing apply to them) in their Sales Plus
        scope (own / team / all, by the document's salesperson and team), and
        asked for (salesperson and team filters; ``no_user`` / ``no_team``:
        those without; ``subjects``: ``(user_ids, team_ids)``, those of these
        only). :meth:`_scope_domain` is the same as a domain.

        With ``summary``, the same on a summary table aliased ``alias`` (see
        :meth:`_summary_rules_sql`); None when it cannot be (the figures are
        then read from the documents)."""
        user_field, team_field = SCOPE_FIELDS[model]
        user_column, team_column = SQL.identifier(alias, user_field), SQL.identifier(alias, team_field)
        # the pacing alerts compute everybody's figures in superuser mode
        if self.env.su:
            condition = SQL("TRUE")
        else:
            rules = self._summary_rules_sql(model, alias) if summary else self._rules_sql(model, alias)
            if rules is None:
                return None
            condition = SQL("%s AND %s", self.env.user._sales_plus_scope_sql(user_column, team_column), rules)
        if filters["user_id"]:
            condition = SQL("%s AND %s = %s", condition, user_column, filters["user_id"])
        if filters.get("no_user"):
            condition = SQL("%s AND %s IS NULL", condition, self._user_sql(user_column))
        if filters["team_id"]:
            condition = SQL("%s AND %s = %s", condition, team_column, filters["team_id"])
        if filters.get("no_team"):
            condition = SQL("%s AND %s IS NULL", condition, team_column)
        if filters.get("subjects"):
            user_ids, team_ids = filters["subjects"]
            condition = SQL(
                "%s AND (%s = ANY(%s) OR %s = ANY(%s))",
                condition,
                user_column,
                list(user_ids),
                team_column,
                list(team_ids),
            )
        return condition

    def _rules_sql(self, model, alias):
        """The record rules of ``model`` for the user (what they may read of it,
        in Sales ▸ Orders or Invoicing too) as an SQL condition on ``alias``,
        as the ORM builds them for a search."""
        Model = self.env[model]
        Model.browse().check_access("read")
        model_sudo = Model.sudo().with_context(active_test=False)
        domain = self.env["ir.rule"]._compute_domain(model, "read").optimize_full(model_sudo)
        if domain.is_true():
            return SQL("TRUE")
        if domain.is_false():
            return SQL("FALSE")
        query = Query(self.env, alias, SQL.identifier(Model._table))
        condition = domain._to_sql(model_sudo, alias, query)
        if not query._joins:
            return condition
        # a rule through another table: as a subquery of its own
        query.add_where(condition)
        return SQL("%s IN (%s)", SQL.identifier(alias, "id"), query.select())

    def _summary_rules_sql(self, model, alias):
        """:meth:`_rules_sql` on a summary table (sales.cockpit.summary) aliased
        ``alias``, whose columns carry the names of the document's fields
        (``SUMMARY_FIELDS``); None when a record rule reads another field (an
        integrator's rule on the customer, say) or the context asks for the
        documents (``sales_plus_cockpit_live``): the figures are then read from
        the documents, exact either way."""
        if self.env.context.get("sales_plus_cockpit_live"):
            return None
        Model = self.env[model]
        Model.browse().check_access("read")
        model_sudo = Model.sudo().with_context(active_test=False)
        domain = self.env["ir.rule"]._compute_domain(model, "read").optimize_full(model_sudo)
        if domain.is_true():
            return SQL("TRUE")
        if domain.is_false():
            return SQL("FALSE")
        for condition in domain.iter_conditions():
            if (
                condition.field_expr not in SUMMARY_FIELDS[model]
                or condition.operator not in ("=", "!=", "in", "not in")
                or isinstance(condition.value, (Domain, Query, SQL))
            ):
                return None
        query = Query(self.env, alias, SQL.identifier(Model._table))
        condition = domain._to_sql(model_sudo, alias, query)
        return None if query._joins else condition

    def _user_sql(self, column):
        """The salesperson of a document as the figures group it: none (the
        "Unassigned" row) when it is empty or OdooBot (documents made by
        automated actions carry OdooBot, who sells nothing)."""
        return SQL("NULLIF(%s, %s)", column, SUPERUSER_ID)

    def _drill_filters(self, filters, key):
        """``filters`` narrowed by the key of a drill-down (a row of a table)."""
        return dict(
            filters,
            user_id=key.get("user_id") or filters["user_id"],
            team_id=key.get("team_id") or filters["team_id"],
            no_user=bool(key.get("no_user")),
            no_team=bool(key.get("no_team")),
        )

    def _scope_domain(self, model, filters):
        """:meth:`_scope_sql` as a domain (list) of the records behind a figure
        (the record rules apply when the user searches them)."""
        user_field, team_field = SCOPE_FIELDS[model]
        domain = self.env.user._sales_plus_scope_domain([user_field], team_field)
        if filters["user_id"]:
            domain &= Domain(user_field, "=", filters["user_id"])
        if filters.get("no_user"):
            domain &= Domain(user_field, "in", [False, SUPERUSER_ID])
        if filters["team_id"]:
            domain &= Domain(team_field, "=", filters["team_id"])
        if filters.get("no_team"):
            domain &= Domain(team_field, "=", False)
        return [] if domain.is_true() else list(domain)

    def _slot_unit(self, periods):
        start, end = periods[CURRENT]
        return "day" if (end - start).days <= 62 else "month"

    # ---- Queries ----

    def _flush_sources(self, *sources):
        """Write the pending changes of what a query reads (keys of ``SOURCES``)."""
        for source in sources:
            model, fnames = SOURCES[source]
            self.env[model].flush_model(fnames)

    def _grouping(self, detail, *details):
        """How a query of one source groups its rows: by salesperson and by team
        in each period; with ``detail`` (the payload) also the period's total
        and ``details`` (tuples of columns: by region, by day or month).

        Returns ``(columns, select, grouping, grouping_sets)``: the grouped
        columns in the order :meth:`_split_levels` reads the level of a row, the
        same as ``SQL``, the ``GROUPING()`` giving that level and the
        ``GROUPING SETS``."""
        sets = [("user_id",), ("team_id",)]
        if detail:
            sets = [(), *sets, *details]
        columns = list(dict.fromkeys(column for columns in sets for column in columns))
        grouping = SQL("GROUPING(%s)", SQL(", ").join(SQL.identifier(column) for column in columns))
        grouping_sets = SQL(", ").join(
            SQL("(%s)", SQL(", ").join(SQL.identifier(column) for column in ("bucket", *columns)))
            for columns in sets
        )
        select = SQL(", ").join(SQL.identifier(column) for column in columns)
        return columns, select, grouping, grouping_sets

    def _orders_cte(self, filters, periods, slots=True, days=None):
        """Confirmed orders of the periods in company currency; with ``days``
        (UTC dates), of those days only."""
        if days is not None:
            # one range per day: the planner reads them from the index on date_order
            days_condition = SQL(" OR ").join(
                [
                    SQL("(so.date_order >= %s AND so.date_order < %s)", day, day + timedelta(days=1))
                    for day in days
                ]
                or [SQL("FALSE")]
            )
        else:
            days_condition = SQL("TRUE")
        return SQL(
            """
            SELECT so.id, b.bucket, %(user)s AS user_id, so.team_id, so.date_order,
                   so.cockpit_customer_id AS customer_id,
                   so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS amount,
                   COALESCE(so.margin, 0) / COALESCE(NULLIF(so.currency_rate, 0), 1) AS margin,
                   width_bucket(so.date_order, b.slots) - 1 AS slot
              FROM sale_order so
              JOIN %(buckets)s ON so.date_order >= b.start AND so.date_order < b.stop
             WHERE so.state = 'sale'
               AND so.company_id = %(company)s
               AND (%(days)s)
               AND %(scope)s
            """,
            days=days_condition,
            user=self._user_sql(SQL.identifier("so", "user_id")),
            buckets=self._buckets_sql(periods, as_datetimes=True, slots=slots),
            company=filters["company_id"],
            scope=self._scope_sql(filters, "sale.order", "so"),
        )

    def _split_days(self, periods, slots=True):
        """The UTC days a boundary of the periods (or of their slots with
        ``slots``) cuts in two: the user's midnight is not UTC's. The orders
        of these days are read from the documents, those of the other days
        from the daily summary (whole days only)."""
        days = set()
        for start, end in periods.values():
            bounds = list(self._utc_bounds(start, end))
            if slots:
                bounds += [self._utc_bounds(day, day)[0] for day in self._slot_starts(periods, start, end)]
            days |= {bound.date() for bound in bounds if bound.time() != time.min}
        return sorted(days)

    def _orders_rows_sql(self, filters, periods, slots=True):
        """Rows ``(bucket, user_id, team_id, slot, orders, revenue, margin)``
        whose sums are the confirmed orders of the periods: the daily summary's
        whole days, the documents of the days cut by a boundary
        (:meth:`_split_days`); all from the documents when the summary cannot
        be read with the user's rules (:meth:`_scope_sql`)."""
        summary_scope = self._scope_sql(filters, "sale.order", "s", summary=True)
        live = SQL(
            "SELECT o.bucket, o.user_id, o.team_id, o.slot, 1 AS orders, o.amount AS revenue, o.margin "
            "FROM (%s) o",
            self._orders_cte(filters, periods, slots=slots),
        )
        if summary_scope is None:
            return live
        split = self._split_days(periods, slots)
        buckets = self._buckets_sql(periods, as_datetimes=True, slots=slots)
        return SQL(
            """
            SELECT b.bucket, %(user)s AS user_id, s.team_id,
                   width_bucket(s.day::timestamp, b.slots) - 1 AS slot, s.orders, s.revenue, s.margin
              FROM sales_plus_cockpit_order_day s
              JOIN %(buckets)s
                ON s.day::timestamp >= b.start AND s.day::timestamp + interval '1 day' <= b.stop
             WHERE s.company_id = %(company)s
               AND s.day <> ALL(%(split)s::date[])
               AND %(scope)s
             UNION ALL
            SELECT o.bucket, o.user_id, o.team_id, o.slot, 1, o.amount, o.margin
              FROM (%(orders)s) o
            """,
            user=self._user_sql(SQL.identifier("s", "user_id")),
            buckets=buckets,
            company=filters["company_id"],
            split=split,
            scope=summary_scope,
            orders=self._orders_cte(filters, periods, slots=slots, days=split),
        )

    def _query_orders(self, filters, periods, detail=True):
        """Orders, revenue and margin of each period by salesperson and team;
        with ``detail`` also in total and by day or month."""
        self._flush_sources("orders")
        columns, select, grouping, grouping_sets = self._grouping(detail, ("slot",))
        rows = self.env.execute_query_dict(
            SQL(
                """
                WITH o AS (%(orders)s)
                SELECT bucket, %(columns)s, %(grouping)s AS level,
                       SUM(orders)::bigint AS orders, SUM(revenue) AS revenue, SUM(margin) AS margin
                  FROM o
                 GROUP BY GROUPING SETS (%(grouping_sets)s)
                """,
                orders=self._orders_rows_sql(filters, periods, slots=detail),
                columns=select,
                grouping=grouping,
                grouping_sets=grouping_sets,
            )
        )
        rows = self._copy_buckets(rows, periods)
        return self._split_levels(rows, columns)

    def _query_regions(self, filters, periods):
        """Revenue and orders (confirmed orders) and invoiced and credit notes
        (posted invoices) of the current period by the customer's country and
        state, in one query: ``{(country_id, state_id): {"revenue", "orders",
        "invoiced", "refunded"}}``."""
        self._flush_sources("orders", "moves", "partners")
        current = {CURRENT: periods[CURRENT]}
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT commercial.country_id, commercial.state_id,
                       COUNT(*) AS orders, SUM(o.amount) AS revenue, 0 AS invoiced, 0 AS refunded
                  FROM (%(orders)s) o
                  JOIN res_partner commercial ON commercial.id = o.customer_id
                 GROUP BY commercial.country_id, commercial.state_id
                 UNION ALL
                SELECT l.country_id, l.state_id, 0, 0, SUM(l.untaxed), SUM(l.refunded)
                  FROM (%(invoices)s) l
                 GROUP BY l.country_id, l.state_id
                """,
                orders=self._orders_cte(filters, current, slots=False),
                invoices=self._invoices_sql(
                    filters, self._buckets_sql(current, as_datetimes=False, slots=False)
                ),
            )
        )
        result = {}
        for row in rows:
            entry = result.setdefault(
                (row["country_id"], row["state_id"]), {"revenue": 0.0, "orders": 0, "invoiced": 0.0}
            )
            entry["revenue"] += (row["revenue"] or 0.0) + (row["refunded"] or 0.0)
            entry["orders"] += row["orders"]
            entry["invoiced"] += row["invoiced"] or 0.0
        return result

    def _query_pipeline(self, filters, periods):
        """The pipeline figures (tools/cockpit_metrics.PIPELINE_METRICS), in one
        query: the quotations open today (count, amount in company currency),
        those waiting for a price approval and how long since it was requested
        (the oldest open review of the order), and of the quotations created in
        the period the share confirmed to date. No None: zeros when nothing."""
        self._flush_sources("quotations", "reviews")
        begin, stop = self._utc_bounds(*periods[CURRENT])
        row = self.env.execute_query_dict(
            SQL(
                """
                WITH q AS (
                    SELECT so.state IN ('draft', 'sent') AS open,
                           so.create_date >= %(begin)s AND so.create_date < %(stop)s AS created,
                           so.state = 'sale' AS converted,
                           so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS amount,
                           -- the oldest open review, looked up for the orders waiting only
                           CASE WHEN so.price_approval_state = 'pending' THEN
                               EXTRACT(EPOCH FROM %(now)s::timestamp - (
                                   SELECT MIN(r.create_date)
                                     FROM tier_review r
                                    WHERE r.model = 'sale.order' AND r.res_id = so.id
                                      AND r.status IN ('waiting', 'pending')
                               )) / 86400
                           END AS waiting_days
                      FROM sale_order so
                     WHERE so.company_id = %(company)s
                       AND (so.state IN ('draft', 'sent')
                            OR (so.create_date >= %(begin)s AND so.create_date < %(stop)s))
                       AND %(scope)s
                )
                SELECT COUNT(*) FILTER (WHERE open) AS open_quotations,
                       COALESCE(SUM(amount) FILTER (WHERE open), 0) AS open_quotations_amount,
                       COUNT(*) FILTER (WHERE open AND waiting_days IS NOT NULL) AS price_approval_waiting,
                       COALESCE(MAX(waiting_days) FILTER (WHERE open), 0) AS price_approval_oldest_days,
                       COALESCE(AVG(waiting_days) FILTER (WHERE open), 0) AS price_approval_average_days,
                       COUNT(*) FILTER (WHERE created) AS quotations_created,
                       COUNT(*) FILTER (WHERE created AND converted) AS quotations_converted
                  FROM q
                """,
                begin=begin,
                stop=stop,
                now=fields.Datetime.now(),
                company=filters["company_id"],
                scope=self._scope_sql(filters, "sale.order", "so"),
            )
        )[0]
        figures = {
            key: float(value) if key.endswith("_days") or key.endswith("_amount") else value
            for key, value in row.items()
        }
        figures["conversion_rate"] = ratio(row["quotations_converted"], row["quotations_created"])
        return figures

    def _order_lines_sql(self, filters, start, end):
        """Revenue, margin and quantity by product of the confirmed orders of
        [start, end], in company currency."""
        begin, stop = self._utc_bounds(start, end)
        return SQL(
            """
            SELECT line.product_id,
                   SUM(line.price_subtotal / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS revenue,
                   SUM(COALESCE(line.margin, 0) / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS margin,
                   SUM(line.product_uom_qty) AS quantity
              FROM sale_order_line line
              JOIN sale_order so ON so.id = line.order_id
             WHERE so.state = 'sale'
               AND so.company_id = %(company)s
               AND so.date_order >= %(begin)s AND so.date_order < %(stop)s
               AND line.display_type IS NULL
               AND %(scope)s
             GROUP BY line.product_id
            """,
            company=filters["company_id"],
            begin=begin,
            stop=stop,
            scope=self._scope_sql(filters, "sale.order", "so"),
        )

    def _query_order_lines(self, filters, periods):
        """Revenue and margin of the current period by product and by category."""
        self._flush_sources("order_lines", "orders", "products", "templates")
        rows = self.env.execute_query_dict(
            SQL(
                """
                -- by product first: the categories are read for each product, not each line
                WITH p AS (%(lines)s)
                SELECT p.product_id, template.categ_id,
                       GROUPING(p.product_id, template.categ_id) AS level,
                       SUM(p.revenue) AS revenue, SUM(p.margin) AS margin, SUM(p.quantity) AS quantity
                  FROM p
                  JOIN product_product product ON product.id = p.product_id
                  JOIN product_template template ON template.id = product.product_tmpl_id
                 GROUP BY GROUPING SETS ((p.product_id), (template.categ_id))
                """,
                lines=self._order_lines_sql(filters, *periods[CURRENT]),
            )
        )
        result = {"product_id": {}, "categ_id": {}}
        for row in rows:
            field = "categ_id" if row["product_id"] is None else "product_id"
            if row[field] is None:
                continue
            revenue = row["revenue"] or 0.0
            result[field][row[field]] = {
                "revenue": revenue,
                "margin": row["margin"] or 0.0,
                "margin_pct": ratio(row["margin"] or 0.0, revenue),
                "quantity": row["quantity"] or 0.0,
            }
        return result

    def _query_customers(self, filters, periods, detail=True):
        """What is counted per customer, in one pass over the orders of the
        periods (one row per customer of each period first):

        - customers, new customers (first confirmed order of the company ever)
          and repeat customers (two orders or more in the period), per period and
          per salesperson / team (and in total with ``detail``);
        - with ``detail``: revenue, orders, margin and customers by RFM segment
          and by ABC class (the customer's grade in the company), per period;
          the biggest customers of the current period with their cumulative
          share, and how many customers make 80% of its revenue (Pareto).

        Returns ``(customers, segments, pareto)``: see :meth:`_split_levels`,
        :meth:`_segment_breakdowns` and :meth:`_pareto` (empty without ``detail``)."""
        self._flush_sources("orders", "grades")
        per_sets = ["(o.bucket, o.customer_id, o.user_id)", "(o.bucket, o.customer_id, o.team_id)"]
        if detail:
            per_sets.insert(0, "(o.bucket, o.customer_id)")
        detail_ctes = SQL(
            """,
                segmented AS (
                    SELECT bucket, segment_key, abc_key, GROUPING(segment_key, abc_key) AS level,
                           COUNT(*) AS customers, SUM(orders)::bigint AS orders,
                           SUM(revenue) AS revenue, SUM(margin) AS margin
                      FROM (
                          SELECT per.bucket, per.orders, per.revenue, per.margin, %(keys)s
                            FROM per
                            LEFT JOIN sales_plus_rfm_grade grade
                                   ON grade.partner_id = per.customer_id AND grade.company_id = %(company)s
                           WHERE per.level = 3
                      ) graded
                     GROUP BY GROUPING SETS ((bucket, segment_key), (bucket, abc_key))
                ),
                ranked AS (
                    -- the total as a window too: a join with its own aggregate of ranked
                    -- may be planned as a nested loop computing it once per customer
                    SELECT customer_id, revenue,
                           SUM(revenue) OVER (ORDER BY revenue DESC, customer_id) AS cumulative,
                           SUM(revenue) OVER () AS total,
                           ROW_NUMBER() OVER (ORDER BY revenue DESC, customer_id) AS rank
                      FROM per
                     WHERE level = 3 AND bucket = %(current)s
                ),
                pareto AS (
                    SELECT COUNT(*) AS customers, MAX(total) AS total,
                           COUNT(*) FILTER (WHERE cumulative - revenue < 0.8 * total) AS pareto_count,
                           json_agg(json_build_object('customer_id', customer_id, 'revenue', revenue,
                                                      'cumulative', cumulative) ORDER BY rank)
                               FILTER (WHERE rank <= %(size)s) AS top
                      FROM ranked
                )
            """,
            keys=self._segment_sql(),
            company=filters["company_id"],
            current=CURRENT,
            size=PARETO_SIZE,
        )
        detail_columns = SQL(
            """,
                       (SELECT json_agg(segmented) FROM segmented) AS segmented,
                       pareto.customers, pareto.total, pareto.pareto_count, pareto.top
                  FROM pareto
            """
        )
        row = self.env.execute_query_dict(
            SQL(
                """
                WITH o AS (%(orders)s),
                firsts AS (
                    -- over all the company's customers: one hash aggregate is faster than
                    -- looking up the customers of the periods one by one
                    SELECT so.cockpit_customer_id AS customer_id, MIN(so.date_order) AS first_date
                      FROM sale_order so
                     WHERE so.state = 'sale' AND so.company_id = %(company)s
                     GROUP BY so.cockpit_customer_id
                ),
                per AS MATERIALIZED (
                    -- one row per customer of each period, of each salesperson and of each
                    -- team: counting rows then needs no DISTINCT (hash aggregates only)
                    SELECT o.bucket, o.customer_id, o.user_id, o.team_id,
                           GROUPING(o.user_id, o.team_id) AS level, COUNT(*) AS orders,
                           SUM(o.amount) AS revenue, SUM(o.margin) AS margin,
                           MIN(o.date_order) AS first_date
                      FROM o
                     GROUP BY GROUPING SETS (%(per_sets)s)
                ),
                counted AS (
                    SELECT bucket, user_id, team_id, level,
                           COUNT(*) AS customers,
                           -- new: the first order of the company ever is one of these
                           COUNT(*) FILTER (WHERE per.first_date = f.first_date) AS new_customers,
                           COUNT(*) FILTER (WHERE orders > 1) AS repeat_customers
                      FROM per JOIN firsts f ON f.customer_id = per.customer_id
                     GROUP BY bucket, level, user_id, team_id
                )%(detail_ctes)s
                SELECT (SELECT json_agg(counted) FROM counted) AS counted%(detail_columns)s
                """,
                orders=self._orders_cte(filters, periods, slots=False),
                company=filters["company_id"],
                per_sets=SQL(", ".join(per_sets)),
                detail_ctes=detail_ctes if detail else SQL(),
                detail_columns=detail_columns if detail else SQL(),
            )
        )[0]
        customers = self._split_levels(
            self._copy_buckets(row["counted"] or [], periods), ["user_id", "team_id"]
        )
        segments = {"segment": defaultdict(dict), "abc": defaultdict(dict)}
        if not detail:
            return customers, segments, None
        for segment in self._copy_buckets(row["segmented"] or [], periods):
            if segment["level"] == 1:
                segments["segment"][segment["segment_key"]][segment["bucket"]] = segment
            else:
                segments["abc"][segment["abc_key"]][segment["bucket"]] = segment
        return customers, segments, self._pareto(row)

    def _pareto(self, row):
        """The Pareto figures of :meth:`_query_customers` with the customers' names."""
        top = row["top"] or []
        total = row["total"] or 0.0
        partners = self.env["res.partner"].sudo().browse([r["customer_id"] for r in top])
        names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))
        return {
            "customers": row["customers"] or 0,
            "pareto_count": row["pareto_count"] or 0,
            "rows": [
                {
                    "id": r["customer_id"],
                    "name": names.get(r["customer_id"], ""),
                    "revenue": r["revenue"] or 0.0,
                    "share": ratio(r["revenue"] or 0.0, total),
                    "cumulative_share": ratio(r["cumulative"] or 0.0, total),
                }
                for r in top
            ],
        }

    def _segment_sql(self):
        """The customer's segment and ABC class in the company as keys:
        ``UNGRADED_SEGMENT`` / ``UNGRADED_ABC`` without a grade, NULL when graded
        without a segment or class. Needs the grade joined as ``grade``."""
        return SQL(
            "CASE WHEN grade.id IS NULL THEN %s ELSE grade.segment_id END AS segment_key, "
            "CASE WHEN grade.id IS NULL THEN %s ELSE grade.abc_class END AS abc_key",
            UNGRADED_SEGMENT,
            UNGRADED_ABC,
        )

    def _invoices_sql(self, filters, buckets, regions=True):
        """Posted customer invoices and credit notes of the ``buckets``, untaxed
        and taxed, in company currency (the signed amounts Odoo stores on each
        invoice: no scan of their lines); their customer's region with
        ``regions``."""
        if regions:
            region = SQL("commercial.country_id, commercial.state_id")
            region_join = SQL("JOIN res_partner commercial ON commercial.id = move.commercial_partner_id")
        else:
            region, region_join = SQL("NULL::int AS country_id, NULL::int AS state_id"), SQL()
        return SQL(
            """
            SELECT b.bucket, %(user)s AS user_id, move.team_id, %(region)s,
                   width_bucket(move.invoice_date, b.slots) - 1 AS slot,
                   move.amount_untaxed_signed AS untaxed,
                   CASE WHEN move.move_type = 'out_refund'
                        THEN move.amount_untaxed_signed ELSE 0 END AS refunded,
                   move.amount_total_signed AS total
              FROM account_move move
              JOIN %(buckets)s ON move.invoice_date >= b.start AND move.invoice_date < b.stop
              %(region_join)s
             WHERE move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND move.company_id = %(company)s
               AND %(scope)s
            """,
            user=self._user_sql(SQL.identifier("move", "invoice_user_id")),
            region=region,
            region_join=region_join,
            buckets=buckets,
            company=filters["company_id"],
            scope=self._scope_sql(filters, "account.move", "move"),
        )

    def _invoice_rows_sql(self, filters, buckets):
        """Rows ``(bucket, user_id, team_id, slot, untaxed, refunded, total)``
        whose sums are the posted customer invoices and credit notes of the
        ``buckets`` (:meth:`_invoices_sql`), from the daily summary when the
        user's rules allow (:meth:`_scope_sql`)."""
        scope = self._scope_sql(filters, "account.move", "s", summary=True)
        if scope is None:
            return self._invoices_sql(filters, buckets, regions=False)
        return SQL(
            """
            SELECT b.bucket, %(user)s AS user_id, s.team_id, width_bucket(s.day, b.slots) - 1 AS slot,
                   s.untaxed, CASE WHEN s.move_type = 'out_refund' THEN s.untaxed ELSE 0 END AS refunded,
                   s.total
              FROM sales_plus_cockpit_move_day s
              JOIN %(buckets)s ON s.day >= b.start AND s.day < b.stop
             WHERE s.kind = 'invoice'
               AND s.company_id = %(company)s
               AND %(scope)s
            """,
            user=self._user_sql(SQL.identifier("s", "invoice_user_id")),
            buckets=buckets,
            company=filters["company_id"],
            scope=scope,
        )

    def _query_invoices(self, filters, periods, detail=True):
        """Invoiced, credit notes and invoiced with taxes of each period by
        salesperson and team; with ``detail`` also in total and by day or
        month."""
        self._flush_sources("moves")
        columns, select, grouping, grouping_sets = self._grouping(detail, ("slot",))
        rows = self.env.execute_query_dict(
            SQL(
                """
                WITH l AS (%(invoices)s)
                SELECT bucket, %(columns)s, %(grouping)s AS level,
                       SUM(untaxed) AS invoiced, SUM(refunded) AS refunded, SUM(total) AS invoiced_total
                  FROM l
                 GROUP BY GROUPING SETS (%(grouping_sets)s)
                """,
                invoices=self._invoice_rows_sql(
                    filters, self._buckets_sql(periods, as_datetimes=False, slots=detail)
                ),
                columns=select,
                grouping=grouping,
                grouping_sets=grouping_sets,
            )
        )
        rows = self._copy_buckets(rows, periods)
        return self._split_levels(rows, columns)

    def _payment_sql(self, line):
        """Whether the journal item ``line`` (an SQL alias) matched with an
        invoice is a customer payment: a posted item of a registered payment or
        of a bank statement line. Credit notes, write-offs and exchange
        differences are not. The one definition of "collected" (payload,
        collection rate, drill-down, pacing alerts, XLSX and PDF)."""
        return SQL(
            "(%s = 'posted' AND (%s IS NOT NULL OR %s IS NOT NULL))",
            SQL.identifier(line, "parent_state"),
            SQL.identifier(line, "payment_id"),
            SQL.identifier(line, "statement_line_id"),
        )

    def _collected_sql(self, filters, buckets):
        """Payments matched with posted customer invoices, dated by the matching
        (the later of the invoice and payment dates), in company currency."""
        return SQL(
            """
            SELECT b.bucket, width_bucket(partial.max_date, b.slots) - 1 AS slot,
                   partial.amount, inv.id AS invoice_id,
                   %(user)s AS user_id, inv.team_id
              FROM account_partial_reconcile partial
              JOIN %(buckets)s ON partial.max_date >= b.start AND partial.max_date < b.stop
              JOIN account_move_line inv_line ON inv_line.id = partial.debit_move_id
              JOIN account_move inv ON inv.id = inv_line.move_id
              JOIN account_move_line pay_line ON pay_line.id = partial.credit_move_id
             WHERE partial.company_id = %(company)s
               AND inv.move_type = 'out_invoice' AND inv.state = 'posted'
               AND %(payment)s
               AND %(scope)s
            """,
            user=self._user_sql(SQL.identifier("inv", "invoice_user_id")),
            buckets=buckets,
            company=filters["company_id"],
            payment=self._payment_sql("pay_line"),
            scope=self._scope_sql(filters, "account.move", "inv"),
        )

    def _collected_rows_sql(self, filters, buckets):
        """:meth:`_collected_sql` from the payment summary when the user's rules
        allow (:meth:`_scope_sql`)."""
        scope = self._scope_sql(filters, "account.move", "p", summary=True)
        if scope is None:
            return self._collected_sql(filters, buckets)
        return SQL(
            """
            SELECT b.bucket, width_bucket(p.day, b.slots) - 1 AS slot, p.amount,
                   %(user)s AS user_id, p.team_id
              FROM sales_plus_cockpit_payment_day p
              JOIN %(buckets)s ON p.day >= b.start AND p.day < b.stop
             WHERE p.kind = 'collected'
               AND p.partial_company_id = %(company)s
               AND %(scope)s
            """,
            user=self._user_sql(SQL.identifier("p", "invoice_user_id")),
            buckets=buckets,
            company=filters["company_id"],
            scope=scope,
        )

    def _query_collected(self, filters, periods, detail=True):
        """Collected of each period by salesperson and team; with ``detail``
        also in total and by day or month."""
        self._flush_sources("partials", "move_lines", "moves")
        buckets = self._buckets_sql(periods, as_datetimes=False, slots=detail)
        columns, select, grouping, grouping_sets = self._grouping(detail, ("slot",))
        rows = self.env.execute_query_dict(
            SQL(
                """
                WITH c AS (%(collected)s)
                SELECT bucket, %(columns)s, %(grouping)s AS level, SUM(amount) AS collected
                  FROM c
                 GROUP BY GROUPING SETS (%(grouping_sets)s)
                """,
                collected=self._collected_rows_sql(filters, buckets),
                columns=select,
                grouping=grouping,
                grouping_sets=grouping_sets,
            )
        )
        rows = self._copy_buckets(rows, periods)
        return self._split_levels(rows, columns)

    def _due_rows_sql(self, filters, periods):
        """Rows ``(bucket, user_id, team_id, due_paid, due_open)`` whose sums
        are what the collection rate reads (:meth:`_query_due`): from the
        summaries when the user's rules allow (:meth:`_scope_sql`), else from
        the documents."""
        buckets = self._buckets_sql(periods, as_datetimes=False, slots=False)
        today = self._today()
        company = filters["company_id"]
        move_scope = self._scope_sql(filters, "account.move", "s", summary=True)
        payment_scope = self._scope_sql(filters, "account.move", "p", summary=True)
        if move_scope is not None and payment_scope is not None:
            return SQL(
                """
                SELECT b.bucket, %(move_user)s AS user_id, s.team_id, 0 AS due_paid, s.residual AS due_open
                  FROM sales_plus_cockpit_move_day s
                  JOIN %(buckets)s ON s.day >= b.start AND s.day < b.stop
                 WHERE s.kind = 'due' AND s.company_id = %(company)s AND s.day <= %(today)s
                   AND %(move_scope)s
                 UNION ALL
                SELECT b.bucket, %(payment_user)s, p.team_id, p.amount, 0
                  FROM sales_plus_cockpit_payment_day p
                  JOIN %(buckets)s ON p.day >= b.start AND p.day < b.stop
                 WHERE p.kind = 'due_paid' AND p.company_id = %(company)s AND p.day <= %(today)s
                   AND %(payment_scope)s
                """,
                move_user=self._user_sql(SQL.identifier("s", "invoice_user_id")),
                payment_user=self._user_sql(SQL.identifier("p", "invoice_user_id")),
                buckets=buckets,
                company=company,
                today=today,
                move_scope=move_scope,
                payment_scope=payment_scope,
            )
        return SQL(
            """
            WITH due AS MATERIALIZED (
                SELECT b.bucket, inv.id, %(user)s AS user_id, inv.team_id,
                       inv.amount_residual_signed AS open, inv.payment_state
                  FROM account_move inv
                  JOIN %(buckets)s ON inv.invoice_date_due >= b.start AND inv.invoice_date_due < b.stop
                 WHERE inv.state = 'posted'
                   AND inv.move_type = 'out_invoice'
                   AND inv.company_id = %(company)s
                   AND inv.invoice_date_due <= %(today)s
                   AND %(scope)s
            ),
            paid AS (
                SELECT inv_line.move_id, SUM(partial.amount) AS paid
                  FROM account_move_line inv_line
                  JOIN account_partial_reconcile partial ON partial.debit_move_id = inv_line.id
                  JOIN account_move_line pay_line ON pay_line.id = partial.credit_move_id
                 -- an invoice not paid at all has nothing matched: no lookup
                 WHERE inv_line.move_id IN (SELECT id FROM due WHERE payment_state <> 'not_paid')
                   AND %(payment)s
                 GROUP BY inv_line.move_id
            )
            SELECT due.bucket, due.user_id, due.team_id,
                   COALESCE(paid.paid, 0) AS due_paid, due.open AS due_open
              FROM due
              LEFT JOIN paid ON paid.move_id = due.id
            """,
            user=self._user_sql(SQL.identifier("inv", "invoice_user_id")),
            buckets=buckets,
            company=company,
            today=today,
            scope=self._scope_sql(filters, "account.move", "inv"),
            payment=self._payment_sql("pay_line"),
        )

    def _query_due(self, filters, periods):
        """What the collection rate reads: the posted customer invoices falling
        due in each period up to today, what payments (:meth:`_payment_sql`)
        settled of them to date (``due_paid``) and what is still open
        (``due_open``), in company currency, in total and by salesperson and
        team."""
        self._flush_sources("partials", "move_lines", "moves")
        columns, select, grouping, grouping_sets = self._grouping(True)
        rows = self.env.execute_query_dict(
            SQL(
                """
                WITH due AS (%(rows)s)
                SELECT bucket, %(columns)s, %(grouping)s AS level,
                       SUM(due_paid) AS due_paid, SUM(due_open) AS due_open
                  FROM due
                 GROUP BY GROUPING SETS (%(grouping_sets)s)
                """,
                rows=self._due_rows_sql(filters, periods),
                columns=select,
                grouping=grouping,
                grouping_sets=grouping_sets,
            )
        )
        rows = self._copy_buckets(rows, periods)
        return self._split_levels(rows, columns)

    def _query_overdue(self, filters):
        """Receivables of posted customer invoices past their due date today."""
        self._flush_sources("moves")
        today = self._today()
        company = filters["company_id"]
        scope = self._scope_sql(filters, "account.move", "s", summary=True)
        if scope is not None:
            overdue = SQL(
                """
                SELECT %(user)s AS user_id, s.team_id, s.overdue
                  FROM sales_plus_cockpit_move_day s
                 WHERE s.kind = 'due' AND s.overdue_moves <> 0
                   AND s.company_id = %(company)s AND s.day < %(today)s AND %(scope)s
                """,
                user=self._user_sql(SQL.identifier("s", "invoice_user_id")),
                company=company,
                today=today,
                scope=scope,
            )
        else:
            overdue = SQL(
                """
                SELECT %(user)s AS user_id, move.team_id, move.amount_residual_signed AS overdue
                  FROM account_move move
                 WHERE move.state = 'posted'
                   AND move.move_type = 'out_invoice'
                   AND move.payment_state IN ('not_paid', 'partial')
                   AND move.invoice_date_due < %(today)s
                   AND move.company_id = %(company)s
                   AND %(scope)s
                """,
                user=self._user_sql(SQL.identifier("move", "invoice_user_id")),
                today=today,
                company=company,
                scope=self._scope_sql(filters, "account.move", "move"),
            )
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT user_id, team_id, GROUPING(user_id, team_id) AS level, SUM(overdue) AS overdue
                  FROM (%s) move
                 GROUP BY GROUPING SETS ((), (user_id), (team_id))
                """,
                overdue,
            )
        )
        result = {"total": 0.0, "user_id": {}, "team_id": {}}
        for row in rows:
            if row["level"] == 3:
                result["total"] = row["overdue"] or 0.0
            elif row["level"] == 1:
                result["user_id"][row["user_id"]] = row["overdue"] or 0.0
            else:
                result["team_id"][row["team_id"]] = row["overdue"] or 0.0
        return result

    def _split_levels(self, rows, columns):
        """Rows of a GROUPING SETS query sorted by what they are grouped by:
        ``{"total": {bucket: row}, "user_id": {bucket: {id: row}}, ...}``.
        ``columns`` are those given to ``GROUPING()``, in order
        (the first one is its highest bit, set when the column is not grouped)."""
        result = defaultdict(lambda: defaultdict(dict))
        for row in rows:
            bucket = row.pop("bucket")
            level = row.pop("level")
            grouped = [c for i, c in enumerate(columns) if not level & (1 << (len(columns) - 1 - i))]
            if not grouped:
                result["total"][bucket] = row
            else:
                result[grouped[0]][bucket][row[grouped[0]]] = row
        return result

    # ---- Figures ----

    def _subject_figures(self, filters, periods, detail=True, parts=PARTS):
        """The figures of each period by salesperson and by sales team
        (``{"user_id": {id: {bucket: figures}}, "team_id": ...}``; the key None
        gathers the documents without a salesperson or team), from one query
        per source (orders, invoices, payments, customers): what targets
        measure, read by the cockpit's targets section and by the pacing alerts
        (``sales_plus.target._pacing_actuals``). Only the figures of ``parts``
        (``PART_FIGURES``), from the sources they need.

        With ``detail`` (the payload) the same queries also give the periods'
        totals (``kpis``), the collection rate, overdue receivables, the rows by
        day or month (``orders``, ``invoices``, ``collected``) and the customers
        by segment and for the Pareto (``segments``, ``pareto``). Each total is
        its rows' sum: every row is grouped from the same documents as the
        total, those without a salesperson or team in a row of their own."""
        empty = defaultdict(lambda: defaultdict(dict))
        orders = invoices = collected = customers = due = empty
        segments = pareto = None
        overdue = {"total": 0.0, "user_id": {}, "team_id": {}}
        if MONEY in parts:
            orders = self._query_orders(filters, periods, detail)
            invoices = self._query_invoices(filters, periods, detail)
            collected = self._query_collected(filters, periods, detail)
            if detail:
                due = self._query_due(filters, periods)
                overdue = self._query_overdue(filters)
        if CUSTOMERS in parts:
            customers, segments, pareto = self._query_customers(filters, periods, detail)
        sources = (orders, invoices, collected, customers, due, overdue)
        result = {
            field: self._breakdown(field, list(periods), parts, *sources) for field in ("user_id", "team_id")
        }
        if detail:
            result.update(
                kpis=self._kpis(parts, *sources),
                orders=orders,
                invoices=invoices,
                collected=collected,
                segments=segments,
                pareto=pareto,
            )
        return result

    def _subject_figure(self, figures, field, subject_id, bucket, metric):
        """The figure ``metric`` of a salesperson (``field`` user_id) or sales team
        (team_id) in ``bucket`` of :meth:`_subject_figures`: a target's actual."""
        return figures[field].get(subject_id, {}).get(bucket, {}).get(metric, 0.0)

    def _figures(self, parts, order_row, invoice_row, collected_row, customer_row, due_row, overdue):
        """The figures of ``parts`` of one period (of everybody, a salesperson
        or a team) from the rows of each source; their definitions are the
        ``help`` of the metrics (tools/cockpit_metrics.py)."""
        figures = {}
        if MONEY in parts:
            order_row, invoice_row = order_row or {}, invoice_row or {}
            collected_row, due_row = collected_row or {}, due_row or {}
            order_value = order_row.get("revenue") or 0.0
            refunded = -(invoice_row.get("refunded") or 0.0)
            orders = order_row.get("orders") or 0
            margin = order_row.get("margin") or 0.0
            due_paid = due_row.get("due_paid") or 0.0
            due_open = due_row.get("due_open") or 0.0
            figures.update(
                revenue=order_value - refunded,
                order_value=order_value,
                refunded=refunded,
                orders=orders,
                aov=ratio(order_value, orders),
                margin=margin,
                margin_pct=ratio(margin, order_value),
                invoiced=invoice_row.get("invoiced") or 0.0,
                collected=collected_row.get("collected") or 0.0,
                collection_rate=ratio(due_paid, due_paid + due_open),
                overdue=overdue,
            )
        if CUSTOMERS in parts:
            customer_row = customer_row or {}
            customers = customer_row.get("customers") or 0
            new_customers = customer_row.get("new_customers") or 0
            figures.update(
                customers=customers,
                new_customers=new_customers,
                returning_customers=customers - new_customers,
                repurchase_rate=ratio(customer_row.get("repeat_customers") or 0, customers),
            )
        return figures

    def _kpis(self, parts, orders, invoices, collected, customers, due, overdue):
        return {
            bucket: self._figures(
                parts,
                orders["total"].get(bucket),
                invoices["total"].get(bucket),
                collected["total"].get(bucket),
                customers["total"].get(bucket),
                due["total"].get(bucket),
                overdue["total"] if bucket == CURRENT else 0.0,
            )
            for bucket in BUCKETS
        }

    def _breakdown(self, field, buckets, parts, orders, invoices, collected, customers, due, overdue):
        """``{id: {bucket: figures}}`` by salesperson or team (id None: the
        documents without)."""
        ids = set()
        for source in (orders, invoices, collected, customers, due):
            for bucket in buckets:
                ids |= set(source[field][bucket])
        ids |= set(overdue[field])
        return {
            record_id: {
                bucket: self._figures(
                    parts,
                    orders[field][bucket].get(record_id),
                    invoices[field][bucket].get(record_id),
                    collected[field][bucket].get(record_id),
                    customers[field][bucket].get(record_id),
                    due[field][bucket].get(record_id),
                    overdue[field].get(record_id, 0.0) if bucket == CURRENT else 0.0,
                )
                for bucket in buckets
            }
            for record_id in ids
        }

    def _empty_figures(self, parts):
        return {bucket: self._figures(parts, None, None, None, None, None, 0.0) for bucket in BUCKETS}

    def _named(self, values, model, sort="revenue", key=None):
        """Rows ``{"id", "name", ...figures}`` sorted by ``sort`` descending; one
        query for the names of all ids. With ``key`` (the salesperson or team
        rows: user_id / team_id), each row carries the ``key`` of its
        drill-down, and the documents without a salesperson or team are the
        row "Unassigned" or "No team", last."""
        ids = [i for i in values if i]
        names = dict(self.env[model].sudo().browse(ids).mapped(lambda r: (r.id, r.display_name)))
        none_label = ""
        if key:
            none_label = self.env._("Unassigned") if key == "user_id" else self.env._("No team")
        rows = []
        for record_id, figures in values.items():
            row = {"id": record_id or False, "name": names.get(record_id) or none_label}
            if key:
                row["key"] = {key: record_id} if record_id else {"no_" + key[:-3]: True}
            if isinstance(figures, dict) and CURRENT in figures:
                row.update(figures[CURRENT])
                row["previous"] = figures[PREVIOUS]
                row["last_year"] = figures[LAST_YEAR]
            else:
                row.update(figures)
            rows.append(row)
        rows.sort(key=lambda r: (not r["id"], -(r.get(sort) or 0.0), r["name"]))
        return rows

    def _regions(self, values):
        """Rows of :meth:`_query_regions`: revenue (orders less credit notes)
        and invoiced by the customer's country and state; the rows add up to
        the totals."""
        countries = self.env["res.country"].sudo().browse({k[0] for k in values if k[0]})
        states = self.env["res.country.state"].sudo().browse({k[1] for k in values if k[1]})
        none_label = self.env._("No country")
        country_names = {c.id: c.name for c in countries}
        state_names = {s.id: s.name for s in states}
        rows = [
            {
                "country_id": country_id or False,
                "state_id": state_id or False,
                "key": {"country_id": country_id or False, "state_id": state_id or False, "region": True},
                "name": " / ".join(n for n in (country_names.get(country_id), state_names.get(state_id)) if n)
                or none_label,
                "invoiced": 0.0,
                **figures,
            }
            for (country_id, state_id), figures in values.items()
        ]
        rows.sort(key=lambda r: (not r["country_id"], -r["revenue"], r["name"]))
        return rows

    def _trend(self, filters, periods, orders, invoices, collected):
        """Figures per day (periods up to two months) or per month, the current
        period next to the same period last year, aligned by position."""
        label = "%m-%d" if self._slot_unit(periods) == "day" else "%Y-%m"
        labels = [day.strftime(label) for day in self._slot_starts(periods, *periods[CURRENT])]
        result = []
        for index, label in enumerate(labels):
            entry = {"label": label}
            for bucket in (CURRENT, LAST_YEAR):
                suffix = "" if bucket == CURRENT else "_last_year"
                order_row = orders["slot"][bucket].get(index) or {}
                invoice_row = invoices["slot"][bucket].get(index) or {}
                collected_row = collected["slot"][bucket].get(index) or {}
                entry["revenue" + suffix] = (order_row.get("revenue") or 0.0) + (
                    invoice_row.get("refunded") or 0.0
                )
                entry["margin" + suffix] = order_row.get("margin") or 0.0
                entry["invoiced" + suffix] = invoice_row.get("invoiced") or 0.0
                entry["collected" + suffix] = collected_row.get("collected") or 0.0
            result.append(entry)
        return result

    def _segment_breakdowns(self, segments):
        """``by_segment`` and ``by_abc`` rows of the current period, each with the
        revenue of the two comparison periods; customers without a grade in the
        company fall in a "Not graded" row, last."""
        names = dict(
            self.env["sales_plus.rfm.segment"]
            .sudo()
            .with_context(active_test=False)
            .browse([k for k in segments["segment"] if k and k > 0])
            .mapped(lambda s: (s.id, s.display_name))
        )
        not_graded = self.env._("Not graded")
        labels = {
            "segment": {UNGRADED_SEGMENT: not_graded, None: self.env._("No segment")},
            "abc": {UNGRADED_ABC: not_graded, None: self.env._("No class"), "a": "A", "b": "B", "c": "C"},
        }
        result = {}
        for kind, key_name, payload_key in (
            ("segment", "rfm_segment", "by_segment"),
            ("abc", "rfm_abc", "by_abc"),
        ):
            rows = []
            for key, buckets in segments[kind].items():
                figures = buckets.get(CURRENT)
                if not figures:
                    continue
                revenue = figures["revenue"] or 0.0
                margin = figures["margin"] or 0.0
                rows.append(
                    {
                        "id": key if key is not None else False,
                        "key": {key_name: key if key is not None else False},
                        "name": names.get(key) or labels[kind].get(key) or "",
                        "revenue": revenue,
                        "orders": figures["orders"],
                        "margin": margin,
                        "margin_pct": ratio(margin, revenue),
                        "customers": figures["customers"],
                        "revenue_previous": (buckets.get(PREVIOUS) or {}).get("revenue") or 0.0,
                        "revenue_last_year": (buckets.get(LAST_YEAR) or {}).get("revenue") or 0.0,
                    }
                )
            if kind == "abc":
                order = {"a": 0, "b": 1, "c": 2, None: 3, UNGRADED_ABC: 4}
                rows.sort(key=lambda r: order[r["key"]["rfm_abc"] or None])
            else:
                rows.sort(key=lambda r: (r["id"] in (UNGRADED_SEGMENT, False), -r["revenue"], r["name"]))
            result[payload_key] = rows
        return result

    # ---- Targets and pacing ----

    def _working_calendar(self, company, start, end):
        """Working weekdays and holidays of the company's calendar when the
        ``resource`` module provides one, else Monday to Friday."""
        calendar = company["resource_calendar_id"] if "resource_calendar_id" in company._fields else None
        if not calendar:
            return cockpit_pacing.MONDAY_TO_FRIDAY, ()
        weekdays = frozenset(int(day) for day in calendar.attendance_ids.mapped("dayofweek"))
        holidays = set()
        for leave in calendar.global_leave_ids:
            day = leave.date_from.date()
            while day <= leave.date_to.date():
                if start <= day <= end:
                    holidays.add(day)
                day += timedelta(days=1)
        return weekdays or cockpit_pacing.MONDAY_TO_FRIDAY, tuple(holidays)

    def _targets(self, filters, periods, company, kpis, figures, part, shared=None):
        """Targets of the metrics of ``part`` falling in the current period (prorated by working days when a
        target's period is longer), with completion, pacing and run-rate forecast:
        in total, per salesperson and per team (team target next to the sum of its
        members' targets). A salesperson's target counts in the teams they are a
        member of; the actuals are those of :meth:`_subject_figures` (the rows of
        ``figures``, which get their targets). The total line's targets come
        from one ``source`` for every metric: the team targets, or the
        salesperson targets when the period has no team target or a
        salesperson is asked for."""
        metrics = [metric for metric in TARGET_METRIC_KEYS if metric in PART_FIGURES[part]]
        by_user, by_team = figures["user_id"], figures["team_id"]
        start, end = periods[CURRENT]
        domain = [
            ("company_id", "=", company.id),
            ("date_from", "<=", end),
            ("date_to", ">=", start),
        ]
        if filters["user_id"]:
            domain.append(("user_id", "=", filters["user_id"]))
        if filters["team_id"]:
            domain += [
                "|",
                ("team_id", "=", filters["team_id"]),
                ("user_id.crm_team_ids", "in", [filters["team_id"]]),
            ]
        # the two parts of one payload read the targets once
        if shared is None or "targets" not in shared:
            targets = self.env["sales_plus.target"].search(domain)
            if shared is not None:
                shared["targets"] = targets
        else:
            targets = shared["targets"]
        span_start = min([start, *targets.mapped("date_from")])
        span_end = max([end, *targets.mapped("date_to")])
        weekdays, holidays = self._working_calendar(company, span_start, span_end)
        today = self._today()
        per_user = defaultdict(lambda: defaultdict(float))
        per_team = defaultdict(lambda: defaultdict(float))
        for target in targets:
            amount = cockpit_pacing.prorate(
                target.amount, target.date_from, target.date_to, start, end, weekdays, holidays
            )
            if target.user_id:
                per_user[target.user_id.id][target.metric] += amount
            else:
                per_team[target.team_id.id][target.metric] += amount
        team_members = {
            team.id: team.member_ids.ids for team in self.env["crm.team"].sudo().browse(list(by_team))
        }
        team_members.update(
            {team.id: team.member_ids.ids for team in self.env["crm.team"].sudo().browse(list(per_team))}
        )

        def pace(target_amount, actual):
            figures = cockpit_pacing.pacing(target_amount, actual, start, end, today, weekdays, holidays)
            figures.update(target=target_amount, actual=actual)
            # no None in the payload: False where there is no target to compare with
            return {key: False if value is None else value for key, value in figures.items()}

        # the total line reads one source for every metric: the team targets
        # when the period has any (and no salesperson is asked for), else the
        # salesperson targets
        source = "team" if per_team and not filters["user_id"] else "salesperson"
        totals = {}
        for metric in metrics:
            team_total = sum(values.get(metric, 0.0) for values in per_team.values())
            user_total = sum(values.get(metric, 0.0) for values in per_user.values())
            target_amount = team_total if source == "team" else user_total
            totals[metric] = pace(target_amount, kpis[CURRENT][metric])
            totals[metric]["member_target"] = user_total
        user_rows = {
            user_id: {
                m: pace(values.get(m, 0.0), self._subject_figure(figures, "user_id", user_id, CURRENT, m))
                for m in metrics
            }
            for user_id, values in per_user.items()
        }
        team_rows = {}
        for team_id in set(per_team) | {t for t in by_team if t}:
            values = per_team.get(team_id, {})
            members = team_members.get(team_id, [])
            team_rows[team_id] = {}
            for metric in metrics:
                row = pace(
                    values.get(metric, 0.0),
                    self._subject_figure(figures, "team_id", team_id, CURRENT, metric),
                )
                row["member_target"] = sum(per_user.get(u, {}).get(metric, 0.0) for u in members)
                team_rows[team_id][metric] = row
        # the breakdown rows carry their targets
        for user_id, metrics in user_rows.items():
            by_user.setdefault(user_id, self._empty_figures((part,)))
            by_user[user_id][CURRENT]["targets"] = metrics
            if "revenue" in metrics:
                by_user[user_id][CURRENT]["revenue_target"] = metrics["revenue"]["target"]
                by_user[user_id][CURRENT]["revenue_completion"] = metrics["revenue"]["completion"]
        for team_id, metrics in team_rows.items():
            by_team.setdefault(team_id, self._empty_figures((part,)))
            by_team[team_id][CURRENT]["targets"] = metrics
            if "revenue" in metrics:
                by_team[team_id][CURRENT]["revenue_target"] = metrics["revenue"]["target"]
                by_team[team_id][CURRENT]["revenue_member_target"] = metrics["revenue"]["member_target"]
                by_team[team_id][CURRENT]["revenue_completion"] = metrics["revenue"]["completion"]
        elapsed = cockpit_pacing.pacing(1.0, 0.0, start, end, today, weekdays, holidays)["elapsed"]
        source_labels = {
            "team": self.env._("Sum of the team targets"),
            "salesperson": self.env._("Sum of the salesperson targets"),
        }
        return {
            "elapsed": elapsed,
            "totals": totals,
            "count": len(targets),
            "source": source,
            "source_label": source_labels[source],
        }

    # ---- Filter options and drill-down helpers ----

    def _filter_options(self, filters):
        """Companies, teams and salespeople the user may pick."""
        companies = self.env.companies & self.env.user.company_ids
        scope = self.env.user._sales_plus_scope()
        team_domain = [("company_id", "in", [filters["company_id"], False])]
        user_domain = [("share", "=", False), ("company_ids", "in", filters["company_id"])]
        if not scope["all"]:
            team_domain.append(("id", "in", scope["team_ids"]))
            teams = self.env["crm.team"].sudo().search(team_domain)
            user_domain.append(("id", "in", list(set(scope["user_ids"]) | set(teams.member_ids.ids))))
        else:
            teams = self.env["crm.team"].sudo().search(team_domain)
            user_domain.append(("group_ids", "in", self.env.ref("sales_team.group_sale_salesman").ids))
        users = self.env["res.users"].sudo().search(user_domain, order="name")
        return {
            "companies": [{"id": c.id, "name": c.name} for c in companies],
            "teams": [{"id": t.id, "name": t.name} for t in teams],
            "users": [{"id": u.id, "name": u.name} for u in users],
        }

    def _region_domain(self, customer_field, key):
        """The documents of a customer's region: of the row of ``by_region``
        (``key["region"]``: this country and this state, False for none), else
        of the country and / or state given."""
        domain = []
        for short in ("country_id", "state_id"):
            if key.get("region") or key.get(short):
                domain.append((f"{customer_field}.{short}", "=", key.get(short) or False))
        return domain

    def _list_action(self, name, model, domain):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "views": [[False, "list"], [False, "form"]],
            "domain": domain,
            "context": {"create": False},
            "target": "current",
        }

    def _collected_invoice_ids(self, filters, start, end):
        """The customer invoices the payments collected in [start, end] (as the
        figure counts them, :meth:`_collected_sql`) were matched with."""
        buckets = self._buckets_sql({CURRENT: (start, end)}, as_datetimes=False)
        self._flush_sources("partials", "move_lines", "moves")
        rows = self.env.execute_query(
            SQL("SELECT DISTINCT c.invoice_id FROM (%s) c", self._collected_sql(filters, buckets))
        )
        return [r[0] for r in rows]

    def _segment_customer_ids(self, filters, start, end, key):
        """Customers of the period, in scope, whose segment / ABC key is the one
        of ``key`` (``rfm_segment`` and / or ``rfm_abc``; False: graded without)."""
        conditions = []
        for name, column, cast in (("rfm_segment", "segment_key", int), ("rfm_abc", "abc_key", str)):
            if name in key:
                value = cast(key[name]) if key[name] else None
                conditions.append(SQL("%s IS NOT DISTINCT FROM %s", SQL.identifier(column), value))
        self._flush_sources("orders", "grades")
        rows = self.env.execute_query(
            SQL(
                """
                WITH o AS (%(orders)s),
                c AS (
                    SELECT DISTINCT o.customer_id, %(keys)s
                      FROM o
                      LEFT JOIN sales_plus_rfm_grade grade
                             ON grade.partner_id = o.customer_id AND grade.company_id = %(company)s
                )
                SELECT customer_id FROM c WHERE %(conditions)s
                """,
                orders=self._orders_cte(filters, {CURRENT: (start, end)}),
                keys=self._segment_sql(),
                company=filters["company_id"],
                conditions=SQL(" AND ").join(conditions),
            )
        )
        return [r[0] for r in rows]

    def _customer_ids(self, filters, start, end, kind="customers"):
        """The customers counted by the figures (``kind`` customers): with an
        order of the period in scope; new_customers: with their first order of
        the company ever among those; returning_customers: the others."""
        begin, stop = self._utc_bounds(start, end)
        is_new = SQL(
            """bool_or(NOT EXISTS (
                SELECT 1 FROM sale_order earlier
                 WHERE earlier.state = 'sale' AND earlier.company_id = so.company_id
                   AND earlier.cockpit_customer_id = so.cockpit_customer_id
                   AND earlier.date_order < so.date_order))"""
        )
        having = {
            "customers": SQL(),
            "new_customers": SQL("HAVING %s", is_new),
            "returning_customers": SQL("HAVING NOT %s", is_new),
        }[kind]
        self._flush_sources("orders")
        rows = self.env.execute_query(
            SQL(
                """
                SELECT so.cockpit_customer_id
                  FROM sale_order so
                 WHERE so.state = 'sale' AND so.company_id = %(company)s
                   AND so.date_order >= %(begin)s AND so.date_order < %(stop)s
                   AND %(scope)s
                 GROUP BY so.cockpit_customer_id
                %(having)s
                """,
                company=filters["company_id"],
                begin=begin,
                stop=stop,
                scope=self._scope_sql(filters, "sale.order", "so"),
                having=having,
            )
        )
        return [r[0] for r in rows]
