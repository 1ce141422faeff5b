# ruff: noqa: E501 (long SQL column lists)
"""Benchmark of the Sales Cockpit payload (make bench BENCH=cockpit).

On 100,000 customers, 250,000 confirmed orders and 1,000,000 order lines (the
shared generator of tests/bench_data.py) plus posted invoices for 80% of the
orders and payments matched with 70% of those, prints:

- the cockpit for 12 months x all salespeople, as a Manager: each part as
  the client asks for it (the money figures first, read from the summary
  tables; then the customer figures) and the whole payload (both, as the XLSX
  and PDF): cold and warm time, query count (also for one month: it must be
  the same); the money part read from the documents too;
- the same figures through the report models' grouped reads (``sale.report``
  and ``account.invoice.report`` ``_read_group`` for the three periods and the
  breakdowns), and the ratios (goals: money part < 1 s warm, whole payload
  <= 2x the floor and >= 5x faster than the report models).

Sizes can be reduced for a quick run: BENCH_CUSTOMERS, BENCH_ORDERS, BENCH_LINES
(e.g. 10000 / 25000 / 100000). BENCH_DB=name keeps the database and reuses it
(and its data, whatever the sizes asked) on the next run.
"""

import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_data import BenchDatabase, count_queries, create_salespeople, generate_sales, say, timed

CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", 100_000))
ORDERS = int(os.environ.get("BENCH_ORDERS", 250_000))
LINES = int(os.environ.get("BENCH_LINES", 1_000_000))
SALESPEOPLE = 20


def generate_invoices_and_payments(env, company, invoiced_share=0.8, paid_share=0.7):
    """Posted customer invoices (one per order, dated 3 days after it) for
    ``invoiced_share`` of the confirmed orders, with their product and receivable
    lines in company currency, and payments matched with ``paid_share`` of them
    (one journal entry and one partial reconciliation each), in bulk SQL."""
    cr = env.cr
    env.flush_all()
    journal = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
    bank = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
    income = journal.default_account_id
    receivable = env["account.account"].search(
        [("company_ids", "in", company.id), ("account_type", "=", "asset_receivable")], limit=1
    )
    # the payment's counterpart: the outstanding receipts account, else the bank account
    outstanding = bank.inbound_payment_method_line_ids[:1].payment_account_id or bank.default_account_id
    timings = {}

    def run(label, query, params):
        start = time.perf_counter()
        cr.execute(query, params)
        timings[label] = time.perf_counter() - start

    params = {
        "company": company.id,
        "currency": company.currency_id.id,
        "journal": journal.id,
        "bank": bank.id,
        "income": income.id,
        "receivable": receivable.id,
        "outstanding": outstanding.id,
        "invoiced": invoiced_share,
        "paid": paid_share,
    }
    run(
        "invoices",
        """
        CREATE TEMP TABLE bench_invoice ON COMMIT DROP AS
        SELECT so.id AS order_id, so.partner_id, p.commercial_partner_id, so.user_id, so.team_id,
               (so.date_order + interval '3 days')::date AS invoice_date,
               round(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1), 2) AS amount,
               random() < %(paid)s AS paid
          FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
         WHERE so.company_id = %(company)s AND so.state = 'sale' AND random() < %(invoiced)s;
        ALTER TABLE bench_invoice ADD COLUMN move_id int, ADD COLUMN term_line_id int;
        WITH moves AS (
            INSERT INTO account_move (name, journal_id, company_id, currency_id, state, move_type, auto_post,
                                      date, invoice_date, invoice_date_due, partner_id, commercial_partner_id,
                                      invoice_user_id, team_id, amount_untaxed, amount_total,
                                      amount_untaxed_signed, amount_total_signed, amount_residual,
                                      amount_residual_signed, payment_state, invoice_origin,
                                      create_date, write_date, create_uid, write_uid)
            SELECT 'BINV/' || b.order_id, %(journal)s, %(company)s, %(currency)s, 'posted', 'out_invoice', 'no',
                   b.invoice_date, b.invoice_date, b.invoice_date + 30, b.partner_id, b.commercial_partner_id,
                   b.user_id, b.team_id, b.amount, b.amount, b.amount, b.amount,
                   CASE WHEN b.paid THEN 0 ELSE b.amount END, CASE WHEN b.paid THEN 0 ELSE b.amount END,
                   CASE WHEN b.paid THEN 'paid' ELSE 'not_paid' END, b.order_id::text,
                   now(), now(), 1, 1
              FROM bench_invoice b
            RETURNING id, invoice_origin
        )
        UPDATE bench_invoice b SET move_id = m.id FROM moves m WHERE m.invoice_origin = b.order_id::text;
        CREATE INDEX ON bench_invoice (move_id);
        """,
        params,
    )
    run(
        "invoice lines",
        """
        INSERT INTO account_move_line (move_id, journal_id, company_id, account_id, date, currency_id,
                                       company_currency_id, display_type, partner_id, name, parent_state,
                                       balance, debit, credit, amount_currency, amount_residual,
                                       amount_residual_currency, quantity, price_unit, price_subtotal,
                                       price_total, date_maturity, create_date, write_date, create_uid, write_uid)
        SELECT b.move_id, %(journal)s, %(company)s, l.account, b.invoice_date, %(currency)s, %(currency)s,
               l.kind, b.commercial_partner_id, l.kind, 'posted',
               l.sign * b.amount, GREATEST(l.sign * b.amount, 0), GREATEST(-l.sign * b.amount, 0),
               l.sign * b.amount,
               CASE WHEN l.kind = 'payment_term' AND NOT b.paid THEN b.amount ELSE 0 END,
               CASE WHEN l.kind = 'payment_term' AND NOT b.paid THEN b.amount ELSE 0 END,
               1, b.amount, b.amount, b.amount,
               CASE WHEN l.kind = 'payment_term' THEN b.invoice_date + 30 END, now(), now(), 1, 1
          FROM bench_invoice b
         CROSS JOIN (VALUES ('product', -1, %(income)s), ('payment_term', 1, %(receivable)s)) AS l(kind, sign, account);
        UPDATE bench_invoice b SET term_line_id = l.id
          FROM account_move_line l WHERE l.move_id = b.move_id AND l.display_type = 'payment_term';
        """,
        params,
    )
    run(
        "payments",
        """
        CREATE TEMP TABLE bench_payment ON COMMIT DROP AS
        SELECT b.*, LEAST(b.invoice_date + floor(random() * 40)::int, current_date) AS pay_date,
               NULL::int AS pay_move_id, NULL::int AS pay_line_id
          FROM bench_invoice b WHERE b.paid;
        WITH moves AS (
            INSERT INTO account_move (name, journal_id, company_id, currency_id, state, move_type, auto_post,
                                      date, partner_id, commercial_partner_id, ref,
                                      create_date, write_date, create_uid, write_uid)
            SELECT 'BPAY/' || p.order_id, %(bank)s, %(company)s, %(currency)s, 'posted', 'entry', 'no',
                   p.pay_date, p.commercial_partner_id, p.commercial_partner_id, p.order_id::text,
                   now(), now(), 1, 1
              FROM bench_payment p
            RETURNING id, ref
        )
        UPDATE bench_payment p SET pay_move_id = m.id FROM moves m WHERE m.ref = p.order_id::text;
        INSERT INTO account_move_line (move_id, journal_id, company_id, account_id, date, currency_id,
                                       company_currency_id, display_type, partner_id, name, parent_state,
                                       balance, debit, credit, amount_currency, amount_residual,
                                       amount_residual_currency, create_date, write_date, create_uid, write_uid)
        SELECT p.pay_move_id, %(bank)s, %(company)s, l.account, p.pay_date, %(currency)s, %(currency)s,
               'entry', p.commercial_partner_id, 'payment', 'posted',
               l.sign * p.amount, GREATEST(l.sign * p.amount, 0), GREATEST(-l.sign * p.amount, 0),
               l.sign * p.amount, 0, 0, now(), now(), 1, 1
          FROM bench_payment p
         CROSS JOIN (VALUES (-1, %(receivable)s), (1, %(outstanding)s)) AS l(sign, account);
        UPDATE bench_payment p SET pay_line_id = l.id
          FROM account_move_line l WHERE l.move_id = p.pay_move_id AND l.balance < 0;
        -- registered payments (what the cockpit counts as collected)
        WITH payments AS (
            INSERT INTO account_payment (journal_id, company_id, state, payment_type, partner_type, date,
                                         amount, currency_id, partner_id, move_id,
                                         create_date, write_date, create_uid, write_uid)
            SELECT %(bank)s, %(company)s, 'paid', 'inbound', 'customer', p.pay_date, p.amount, %(currency)s,
                   p.commercial_partner_id, p.pay_move_id, now(), now(), 1, 1
              FROM bench_payment p
            RETURNING id, move_id
        )
        UPDATE account_move m SET origin_payment_id = pay.id FROM payments pay WHERE m.id = pay.move_id;
        UPDATE account_move_line l SET payment_id = m.origin_payment_id
          FROM bench_payment p JOIN account_move m ON m.id = p.pay_move_id
         WHERE l.move_id = m.id;
        INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, company_id, amount,
                                               debit_amount_currency, credit_amount_currency,
                                               debit_currency_id, credit_currency_id,
                                               max_date, create_date, write_date, create_uid, write_uid)
        SELECT p.term_line_id, p.pay_line_id, %(company)s, p.amount, p.amount, p.amount,
               %(currency)s, %(currency)s, GREATEST(p.pay_date, p.invoice_date),
               now(), now(), 1, 1
          FROM bench_payment p;
        """,
        params,
    )
    cr.execute("SELECT COUNT(*), COUNT(*) FILTER (WHERE paid) FROM bench_invoice")
    invoices, payments = cr.fetchone()
    cr.execute("ANALYZE account_move; ANALYZE account_move_line; ANALYZE account_partial_reconcile")
    env.invalidate_all()
    return {"invoices": invoices, "payments": payments, "timings": timings}


def complete_orders(env, company):
    """Teams on the orders (the salesperson's team) and a 30% margin."""
    env.cr.execute(
        """
        UPDATE sale_order so SET team_id = m.crm_team_id, margin = round(so.amount_untaxed * 0.3, 2)
          FROM crm_team_member m WHERE m.user_id = so.user_id AND so.company_id = %(company)s;
        UPDATE sale_order_line l SET margin = round(l.price_subtotal * 0.3, 2)
         WHERE l.company_id = %(company)s;
        ANALYZE sale_order; ANALYZE sale_order_line;
        """,
        {"company": company.id},
    )


def query_breakdown(cockpit, filters):
    """Time of each SQL statement of the payload (warm)."""
    normalized = cockpit._normalize_filters(filters)
    periods = cockpit._periods(normalized)
    parts = []
    for name in (
        "_query_orders",
        "_query_order_lines",
        "_query_customers",
        "_query_regions",
        "_query_invoices",
        "_query_collected",
        "_query_due",
    ):
        elapsed, _ = timed(lambda name=name: getattr(cockpit, name)(normalized, periods), repeat=2)
        parts.append(f"{name[7:]} {elapsed * 1000:.0f} ms")
    elapsed, _ = timed(lambda: cockpit._query_overdue(normalized), repeat=2)
    parts.append(f"overdue {elapsed * 1000:.0f} ms")
    return ", ".join(parts)


def floor(cockpit, filters):
    """The least any exact, live computation of these figures reads: one
    aggregate per source over the dates of the payload (orders by customer,
    the current period's lines by product, invoices by salesperson, matched
    payments by salesperson), each over the payload's own SQL for that source
    (``sales_plus.cockpit._orders_cte``, ``_order_lines_sql``, ``_invoices_sql``,
    ``_collected_sql``: the same rows, joins and conditions, so the floor moves
    with the code), in the same transaction settings. Returns (seconds,
    statements)."""
    from odoo.addons.sales_plus.tools import tune_transaction  # noqa: PLC0415
    from odoo.tools import SQL  # noqa: PLC0415

    normalized = cockpit._normalize_filters(filters)
    periods = cockpit._periods(normalized)
    # every date the payload reads, as one period
    span = {"current": (min(start for start, _end in periods.values()), periods["current"][1])}
    days = cockpit._buckets_sql(span, as_datetimes=False, slots=False)
    statements = [
        SQL(
            "SELECT o.customer_id, COUNT(*), SUM(o.amount) FROM (%s) o GROUP BY o.customer_id",
            cockpit._orders_cte(normalized, span, slots=False),
        ),
        SQL(
            "SELECT p.product_id, p.revenue FROM (%s) p",
            cockpit._order_lines_sql(normalized, *periods["current"]),
        ),
        SQL(
            "SELECT l.user_id, SUM(l.untaxed) FROM (%s) l GROUP BY l.user_id",
            cockpit._invoices_sql(normalized, days, regions=False),
        ),
        SQL(
            "SELECT c.user_id, SUM(c.amount) FROM (%s) c GROUP BY c.user_id",
            cockpit._collected_sql(normalized, days),
        ),
    ]
    tune_transaction(cockpit.env)

    def run():
        for statement in statements:
            cockpit.env.execute_query(statement)

    elapsed, _ = timed(run, repeat=3)
    return elapsed, len(statements)


def report_route(env, company, periods):
    """The same figures through the report models' grouped reads."""
    SaleReport = env["sale.report"]
    InvoiceReport = env["account.invoice.report"]
    result = {}
    for key, (start, end) in periods.items():
        order_domain = [
            ("company_id", "=", company.id),
            ("state", "=", "sale"),
            ("date", ">=", start.isoformat()),
            ("date", "<", (end + timedelta(days=1)).isoformat()),
        ]
        invoice_domain = [
            ("company_id", "=", company.id),
            ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("invoice_date", ">=", start),
            ("invoice_date", "<=", end),
        ]
        aggregates = ["price_subtotal:sum", "margin:sum", "order_reference:count_distinct"]
        result[key] = {
            "total": SaleReport._read_group(order_domain, [], aggregates),
            "users": SaleReport._read_group(order_domain, ["user_id"], aggregates),
            "teams": SaleReport._read_group(order_domain, ["team_id"], aggregates),
            "invoiced": InvoiceReport._read_group(
                invoice_domain, ["invoice_user_id"], ["price_subtotal:sum"]
            ),
            "invoiced_teams": InvoiceReport._read_group(invoice_domain, ["team_id"], ["price_subtotal:sum"]),
        }
        if key == "current":
            result[key].update(
                products=SaleReport._read_group(order_domain, ["product_id"], aggregates),
                categories=SaleReport._read_group(order_domain, ["categ_id"], aggregates),
                regions=SaleReport._read_group(order_domain, ["country_id", "state_id"], aggregates),
                customers=SaleReport._read_group(order_domain, ["commercial_partner_id"], aggregates),
                months=SaleReport._read_group(order_domain, ["date:month"], aggregates),
            )
    return result


def main():
    say(
        f"Sales Cockpit benchmark: {CUSTOMERS:,} customers, {ORDERS:,} orders, {LINES:,} lines, "
        f"{SALESPEOPLE} salespeople"
    )
    with BenchDatabase("cockpit") as bench:
        with bench.environment() as env:
            manager = env["res.users"].search([("login", "=", "bench_cockpit_manager")])
            env.cr.execute("SELECT COUNT(*) FROM sale_order_line")
            existing_lines = env.cr.fetchone()[0]
        if bench.reused and manager:
            say(f"reusing {bench.dbname}: {existing_lines:,} order lines (BENCH_DB)")
            run_figures(bench, manager)
            return
        with bench.environment() as env:
            company = env.company
            env["res.currency"].browse(env.ref("base.EUR").id).active = True
            salespeople = create_salespeople(env, company, SALESPEOPLE)
            manager = env["res.users"].create(
                {
                    "name": "Bench Manager",
                    "login": "bench_cockpit_manager",
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "group_ids": [(4, env.ref("sales_plus.group_sales_plus_manager").id)],
                    "tz": "Asia/Shanghai",
                }
            )
        start = time.perf_counter()
        with bench.environment() as env:
            generated = generate_sales(
                env,
                env.company,
                customers=CUSTOMERS,
                orders=ORDERS,
                lines=LINES,
                salespeople=env["res.users"].browse(salespeople.ids),
                foreign_currency=env.ref("base.EUR"),
            )
            complete_orders(env, env.company)
        with bench.environment() as env:
            accounting = generate_invoices_and_payments(env, env.company)
        say(
            f"data generated in {time.perf_counter() - start:.1f} s: "
            f"{accounting['invoices']:,} invoices, {accounting['payments']:,} payments "
            f"({', '.join(f'{k} {v:.1f} s' for k, v in {**generated['timings'], **accounting['timings']}.items())})"
        )
        run_figures(bench, manager)


def run_figures(bench, manager):
    """Time the payload and the report route, print the figures."""
    with bench.environment() as env:
        # customer grades for the segment / ABC breakdown (once per database)
        env.cr.execute("SELECT COUNT(*) FROM sales_plus_rfm_grade")
        if not env.cr.fetchone()[0]:
            graded = env["sales_plus.rfm.grade"].sudo()._regrade_company(env.company)
            say(f"customers graded (RFM): {graded['graded']:,} in {graded['seconds']:.1f} s")
    with bench.environment() as env:
        company = env.company
        today = date.today()
        first = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
        last = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        filters = {
            "company_id": company.id,
            "period_type": "custom",
            "date_from": first.isoformat(),
            "date_to": last.isoformat(),
        }
        cockpit = (
            env["sales_plus.cockpit"]
            .with_user(manager.id)
            .with_context(allowed_company_ids=company.ids, tz="Asia/Shanghai")
        )
        env.invalidate_all()
        cold, payload = timed(lambda: cockpit.get_cockpit_data(filters))
        warm, payload = timed(lambda: cockpit.get_cockpit_data(filters), repeat=5)
        # each part as the client asks for it, warm
        parts = {}
        month_filters = dict(filters, period_type="month", date_from=today.replace(day=1).isoformat())
        for part in ("money", "customers"):
            env.invalidate_all()
            part_cold, _ = timed(lambda part=part: cockpit.get_cockpit_data(filters, part=part))
            part_warm, _ = timed(lambda part=part: cockpit.get_cockpit_data(filters, part=part), repeat=5)
            env.invalidate_all()
            part_queries, _ = count_queries(
                env, lambda part=part: cockpit.get_cockpit_data(filters, part=part)
            )
            env.invalidate_all()
            part_month, _ = count_queries(
                env, lambda part=part: cockpit.get_cockpit_data(month_filters, part=part)
            )
            parts[part] = (part_cold, part_warm, part_queries, part_month)
        # the money part read from the documents (no summary tables), for comparison
        live = cockpit.with_context(sales_plus_cockpit_live=True)
        live_money, _ = timed(lambda: live.get_cockpit_data(filters, part="money"), repeat=3)
        # query counts on an empty cache, as at the start of a request
        env.invalidate_all()
        queries, _ = count_queries(env, lambda: cockpit.get_cockpit_data(filters))
        env.invalidate_all()
        month_queries, _ = count_queries(env, lambda: cockpit.get_cockpit_data(month_filters))
        kpis = payload["kpis"]["current"]
        say(
            f"period {filters['date_from']} to {filters['date_to']} ({len(payload['trend'])} months), "
            f"{len(payload['by_salesperson'])} salespeople"
        )
        say(
            f"figures: revenue {kpis['revenue']:,.0f}, orders {kpis['orders']:,}, margin {kpis['margin']:,.0f}, "
            f"invoiced {kpis['invoiced']:,.0f}, collected {kpis['collected']:,.0f} "
            f"({kpis['collection_rate']:.1%}), customers {kpis['customers']:,} "
            f"({kpis['new_customers']:,} new), overdue {kpis['overdue']:,.0f}"
        )
        for part, (part_cold, part_warm, part_queries, part_month) in parts.items():
            goal = " (goal < 1 s warm)" if part == "money" else ""
            say(
                f"part {part}: cold {part_cold * 1000:.0f} ms, warm {part_warm * 1000:.0f} ms{goal}, "
                f"{part_queries} queries (one month: {part_month})"
            )
        say(
            f"money part from the documents instead of the summary tables: warm {live_money * 1000:.0f} ms "
            f"({live_money / parts['money'][1]:.1f}x the summary route)"
        )
        say(
            f"whole payload (both parts, as the XLSX and PDF): cold {cold * 1000:.0f} ms, "
            f"warm {warm * 1000:.0f} ms, {queries} queries (one month: {month_queries} queries)"
        )
        say(f"per statement: {query_breakdown(cockpit, filters)}")
        floor_time, floor_statements = floor(cockpit, filters)
        say(
            f"floor (one aggregate per source over the same dates, read from the documents, "
            f"{floor_statements} statements): {floor_time * 1000:.0f} ms; the whole payload takes "
            f"{warm / floor_time:.2f}x the floor, the money part {parts['money'][1] / floor_time:.2f}x"
        )
        periods = {
            key: (date.fromisoformat(start), date.fromisoformat(end))
            for key, (start, end) in payload["periods"].items()
        }
        report_time, _ = timed(lambda: report_route(env, company, periods), repeat=2)
        env.invalidate_all()
        report_queries, _ = count_queries(env, lambda: report_route(env, company, periods))
        say(
            f"report models (sale.report / account.invoice.report _read_group): {report_time * 1000:.0f} ms, "
            f"{report_queries} queries"
        )
        say(
            f"ratio: the whole payload is {report_time / warm:.1f}x faster than the report models (goal >= 5x); "
            f"{warm / floor_time:.2f}x the floor (goal <= 2x); the money part is "
            f"{parts['money'][1] * 1000:.0f} ms warm (goal < 1 s)"
        )
        env.cr.rollback()
    with bench.environment() as env:
        say(f"summary upkeep on write: {write_overhead(env)}")
        env.cr.rollback()


def write_overhead(env, rows=10_000):
    """What the summary triggers add to writes: the same UPDATE of ``rows``
    orders, invoices, journal items and matchings, with the triggers and with
    them off (session_replication_role = replica), each rolled back."""
    cr = env.cr
    statements = {
        "orders": "UPDATE sale_order SET amount_untaxed = amount_untaxed + 1 "
        "WHERE id IN (SELECT id FROM sale_order WHERE state = 'sale' ORDER BY id LIMIT %s)",
        "invoices": "UPDATE account_move SET amount_residual_signed = amount_residual_signed + 1 "
        "WHERE id IN (SELECT id FROM account_move WHERE move_type = 'out_invoice' ORDER BY id LIMIT %s)",
        "journal items": "UPDATE account_move_line SET parent_state = parent_state "
        "WHERE id IN (SELECT id FROM account_move_line ORDER BY id LIMIT %s)",
        "matchings": "UPDATE account_partial_reconcile SET amount = amount "
        "WHERE id IN (SELECT id FROM account_partial_reconcile ORDER BY id LIMIT %s)",
    }
    results = []
    for name, statement in statements.items():
        times = {}
        for role in ("origin", "replica"):
            best = None
            for _ in range(3):
                cr.execute("SAVEPOINT overhead")
                cr.execute(f"SET LOCAL session_replication_role = {role}")
                start = time.perf_counter()
                cr.execute(statement, [rows])
                elapsed = time.perf_counter() - start
                cr.execute("ROLLBACK TO SAVEPOINT overhead")
                best = elapsed if best is None else min(best, elapsed)
            times[role] = best
        results.append(
            f"{name} {times['origin'] * 1000:.0f} ms with the triggers, {times['replica'] * 1000:.0f} ms "
            f"without ({times['origin'] / times['replica']:.1f}x)"
        )
    return f"UPDATE of {rows:,} rows each: " + "; ".join(results)


if __name__ == "__main__":
    main()
