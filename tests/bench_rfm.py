"""Benchmark of the RFM customer grading (make bench BENCH=rfm).

Builds a database with 100,000 customers, 250,000 confirmed orders and
1,000,000 order lines (plus a 1,000-customer company for the query-count
comparison), then prints:

- the full regrade time (first run, a nightly run after 1% of the customers
  ordered again, a run with no change) and its ratio to a single hand-written
  SQL aggregate + NTILE over the same rows (the floor: every confirmed order
  of the company, as the regrade reads them; goal <= 2x), and for reference
  the ratio to a lower floor over the window's orders only;
- the naive ORM regrade (one search per partner, one write per partner) on a
  1,000-customer sample, scaled to 100,000 (goal: ours >= 100x faster);
- the number of queries of a regrade at 1,000 and at 100,000 customers (equal),
  the rows written by a second regrade with no change (goal 0), the peak memory
  of the process (goal < 300 MB);
- the one-customer regrade time and query count (goal < 50 ms, <= 10 queries).

Sizes can be reduced for a quick run: BENCH_CUSTOMERS, BENCH_ORDERS, BENCH_LINES
(e.g. 10000, 25000, 100000). BENCH_DB=name keeps the database for the next run,
which then skips the data generation and starts again from no grades.
"""

import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_data import BenchDatabase, count_queries, create_salespeople, generate_sales, say, timed

CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", 100_000))
ORDERS = int(os.environ.get("BENCH_ORDERS", 250_000))
LINES = int(os.environ.get("BENCH_LINES", 1_000_000))
SMALL = 1_000
SAMPLE = 1_000


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor_query(env, company, window_only=False):
    """The floor: one hand-written aggregate + NTILE over the same rows as the
    regrade: every confirmed order of the company (the last order date of a
    customer without an order in the window is kept too), every customer with
    one; frequency and monetary over the window. ``window_only``: the orders
    of the window and their customers only (a lower floor, for reference)."""
    from odoo.tools import SQL  # noqa: PLC0415 - odoo is importable once the database is open

    today = env["res.company"].browse(company.id)._sales_plus_rfm_today()
    if window_only:
        aggregate = SQL(
            """
            SELECT p.commercial_partner_id, MAX(o.date_order) AS last_date,
                   COUNT(*) AS frequency, SUM(o.amount_untaxed / o.currency_rate) AS monetary
              FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
             WHERE o.company_id = %(company)s AND o.state = 'sale'
               AND o.date_order > %(today)s::date - 365
             GROUP BY p.commercial_partner_id
            """,
            company=company.id,
            today=today,
        )
    else:
        aggregate = SQL(
            """
            SELECT p.commercial_partner_id, MAX(o.date_order) AS last_date,
                   COUNT(*) FILTER (WHERE o.date_order > %(today)s::date - 365) AS frequency,
                   SUM(o.amount_untaxed / o.currency_rate)
                       FILTER (WHERE o.date_order > %(today)s::date - 365) AS monetary
              FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
             WHERE o.company_id = %(company)s AND o.state = 'sale'
             GROUP BY p.commercial_partner_id
            """,
            company=company.id,
            today=today,
        )
    env.cr.execute(
        SQL(
            """
            SELECT COUNT(*), SUM(r + f + m) FROM (
                SELECT NTILE(5) OVER (ORDER BY last_date) AS r,
                       NTILE(5) OVER (ORDER BY frequency) AS f,
                       NTILE(5) OVER (ORDER BY monetary) AS m
                  FROM (%s) agg
            ) scored
            """,
            aggregate,
        )
    )
    return env.cr.fetchone()


def paired(env, company, run):
    """(floor seconds, seconds, result) of a floor run and then ``run()``, back
    to back so that both see the same machine load."""
    floor_seconds, _r = timed(lambda: floor_query(env, company))
    seconds, result = timed(run)
    return floor_seconds, seconds, result


def median_ratio(pairs):
    return statistics.median(seconds / floor_seconds for floor_seconds, seconds in pairs)


def naive_regrade(env, company, partners):
    """What the anchors do: per partner, search its orders, sum in Python, write."""
    SaleOrder = env["sale.order"]
    Grade = env["sales_plus.rfm.grade"]
    today = company._sales_plus_rfm_today()
    stats = {}
    for partner in partners:
        orders = SaleOrder.search(
            [
                ("partner_id", "child_of", partner.id),
                ("state", "=", "sale"),
                ("company_id", "=", company.id),
            ]
        )
        window = [o for o in orders if (today - o.date_order.date()).days < 365]
        last = max((o.date_order.date() for o in orders), default=None)
        stats[partner.id] = (
            (today - last).days if last else 9999,
            len(window),
            sum(o.amount_untaxed / (o.currency_rate or 1.0) for o in window),
        )
    # quintiles in Python, as the anchors rebuild them
    ranked = {}
    for index, key in enumerate((lambda s: -s[0], lambda s: s[1], lambda s: s[2])):
        order = sorted(stats, key=lambda pid, k=key: k(stats[pid]))
        for rank, pid in enumerate(order):
            ranked.setdefault(pid, [0, 0, 0])[index] = 1 + rank * 5 // len(order)
    for partner in partners:
        grade = Grade.search([("partner_id", "=", partner.id), ("company_id", "=", company.id)])
        _recency, frequency, monetary = stats[partner.id]
        r, f, m = ranked[partner.id]
        grade.write({"frequency": frequency, "monetary": monetary, "r_score": r, "f_score": f, "m_score": m})
    env.flush_all()


def main():
    say(f"RFM grading benchmark: {CUSTOMERS:,} customers, {ORDERS:,} orders, {LINES:,} lines")
    with BenchDatabase("rfm") as bench:
        if bench.reused and reset_reused(bench):
            run_measures(bench)
            return
        with bench.environment() as env:
            company = env.company
            small = env["res.company"].create(
                {"name": "Bench Small Company", "currency_id": company.currency_id.id}
            )
            env["res.currency"].browse(env.ref("base.EUR").id).active = True
            salespeople = create_salespeople(env, company, 20)
            small_salespeople = create_salespeople(env, small, 20, prefix="bench_small")
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
        with bench.environment() as env:
            generate_sales(
                env,
                env["res.company"].browse(small.id),
                customers=SMALL,
                orders=SMALL * ORDERS // CUSTOMERS,
                lines=SMALL * LINES // CUSTOMERS,
                salespeople=env["res.users"].browse(small_salespeople.ids),
                foreign_currency=env.ref("base.EUR"),
            )
        say(
            f"data generated in {time.perf_counter() - start:.1f} s "
            f"({', '.join(f'{k} {v:.1f} s' for k, v in generated['timings'].items())})"
        )
        run_measures(bench)


def reset_reused(bench):
    """In a reused database (BENCH_DB) that holds the data: forget every grade
    and every run, so that the next regrade is a first one again. False when
    there is no data."""
    with bench.environment() as env:
        if not env["res.company"].search_count([("name", "=", "Bench Small Company")]):
            return False
        activity_type = env.ref("sales_plus.mail_activity_type_sales_plus_win_back")
        env["mail.activity"].search([("activity_type_id", "=", activity_type.id)]).unlink()
        env.cr.execute("DELETE FROM sales_plus_rfm_history")
        env.cr.execute("DELETE FROM sales_plus_rfm_grade")
        env["sales_plus.rfm.regrade"].search([]).write(
            {"last_run_date": False, "last_run_bounds": False, "last_run_settings": False}
        )
    say("reused database: grades, history, runs and win-back activities deleted")
    return True


def run_measures(bench):
    with bench.environment() as env:
        company = env.company
        Regrade = env["sales_plus.rfm.regrade"]
        env.cr.execute(
            "SELECT COUNT(*), (SELECT COUNT(*) FROM sale_order_line WHERE company_id = %s) "
            "FROM sale_order WHERE company_id = %s AND state = 'sale'",
            (company.id, company.id),
        )
        orders, lines = env.cr.fetchone()
        say(f"company {company.name}: {orders:,} confirmed orders, {lines:,} lines")

        floor_time, floor_rows = timed(lambda: floor_query(env, company), repeat=5)
        say(
            f"floor (hand-written SQL aggregate + NTILE over the same rows: all confirmed orders, "
            f"{floor_rows[0]:,} customers): {floor_time * 1000:.0f} ms"
        )
        window_time, window_rows = timed(lambda: floor_query(env, company, window_only=True), repeat=5)
        say(
            f"lower floor (the window's orders and their {window_rows[0]:,} customers only): "
            f"{window_time * 1000:.0f} ms"
        )

        first_time, first = timed(lambda: Regrade._regrade_company(company))
        say(
            f"full regrade, first run: {first_time * 1000:.0f} ms "
            f"({first['graded']:,} graded, {first['changed']:,} written, {first['dormant']:,} dormant "
            f"summed up in one notice per responsible, {first['activities']:,} win-back activities), "
            f"{first_time / floor_time:.2f}x the floor"
        )
    with bench.environment() as env:
        company = env.company
        Regrade = env["sales_plus.rfm.regrade"]
        # no change: five runs, each right after a floor run, so that both see
        # the same machine load; the ratio is the median of the five pairs
        pairs = []
        for _run in range(5):
            pair_floor, pair_time, second = paired(env, company, lambda: Regrade._regrade_company(company))
            pairs.append((pair_floor, pair_time))
        second_time = statistics.median(t for _f, t in pairs)
        pair_floor_time = statistics.median(f for f, _t in pairs)
        say(
            f"full regrade, no change: {second_time * 1000:.0f} ms (median of 5), "
            f"{second['changed'] + second['removed']} rows written, "
            f"{median_ratio(pairs):.2f}x the floor run just before it "
            f"(median of 5 pairs; floor {pair_floor_time * 1000:.0f} ms), "
            f"{second_time / floor_time:.2f}x the first floor figure, "
            f"{second_time / window_time:.2f}x the lower floor"
        )
        # three nightly runs: each time another 1% of the customers ordered
        # again today; each run right after a floor run, as above
        share = max(CUSTOMERS // 100, 1)
        pairs, written = [], []
        for night in range(3):
            env.cr.execute(
                """
                UPDATE sale_order SET date_order = now()
                 WHERE id IN (SELECT MAX(id) FROM sale_order WHERE company_id = %s
                               GROUP BY partner_id ORDER BY partner_id LIMIT %s OFFSET %s)
                """,
                (company.id, share, night * share),
            )
            env["sale.order"].invalidate_model(["date_order"])
            pair_floor, pair_time, nightly = paired(env, company, lambda: Regrade._regrade_company(company))
            pairs.append((pair_floor, pair_time))
            written.append((nightly["changed"], nightly["dormant"], nightly["activities"]))
        say(
            f"full regrade, nightly (1% ordered again): "
            f"{statistics.median(t for _f, t in pairs) * 1000:.0f} ms (median of 3 nights), "
            f"{', '.join(f'{count:,}' for count, _d, _a in written)} rows written, "
            f"{', '.join(f'{dormant:,}/{activities:,}' for _c, dormant, activities in written)} "
            "became dormant / win-back activities, "
            f"{median_ratio(pairs):.2f}x the floor run just before it (median of 3 pairs)"
        )
        env.cr.rollback()
        small_company = env["res.company"].search([("name", "=", "Bench Small Company")])
        Regrade._regrade_company(small_company)
        env.invalidate_all()
        queries_small, _r = count_queries(env, lambda: Regrade._regrade_company(small_company))
        env.invalidate_all()
        queries_large, _r = count_queries(env, lambda: Regrade._regrade_company(company))
        say(
            f"queries per full regrade: {queries_small} at {SMALL:,} customers, "
            f"{queries_large} at {CUSTOMERS:,} customers "
            f"({'equal' if queries_small == queries_large else 'DIFFERENT'})"
        )

        # one customer, against the boundaries of the last full run
        env.cr.execute(
            "SELECT partner_id FROM sales_plus_rfm_grade WHERE company_id = %s "
            "ORDER BY monetary DESC LIMIT 1",
            (company.id,),
        )
        partner = env["res.partner"].browse(env.cr.fetchone()[0])
        Regrade._regrade_partners(partner, company)
        env.invalidate_all()
        one_queries, _r = count_queries(env, lambda: Regrade._regrade_partners(partner, company))
        one_time, _r = timed(lambda: Regrade._regrade_partners(partner, company), repeat=5)
        say(f"one-customer regrade: {one_time * 1000:.1f} ms, {one_queries} queries (cold cache)")

        # the naive way on a sample, in a transaction rolled back
        env.cr.execute(
            "SELECT partner_id FROM sales_plus_rfm_grade WHERE company_id = %s ORDER BY partner_id LIMIT %s",
            (company.id, SAMPLE),
        )
        sample = env["res.partner"].browse([row[0] for row in env.cr.fetchall()])
        env.invalidate_all()
        naive_time, _r = timed(lambda: naive_regrade(env, company, sample))
        env.cr.rollback()
        naive_scaled = naive_time * CUSTOMERS / SAMPLE
        say(
            f"naive ORM regrade: {naive_time:.1f} s for {SAMPLE:,} customers, "
            f"scaled to {CUSTOMERS:,}: {naive_scaled:.0f} s; ours (no change run) is "
            f"{naive_scaled / second_time:.0f}x faster, first run {naive_scaled / first_time:.0f}x faster"
        )
    say(f"peak memory of the process: {peak_mb():.0f} MB")
    say(
        "goals: full regrade <= 2x floor, >= 100x faster than naive, equal query counts, "
        "0 rows on a second run, < 300 MB, one customer < 50 ms and <= 10 queries"
    )


if __name__ == "__main__":
    main()
