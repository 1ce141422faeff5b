"""Bulk data for the sales_plus benchmarks: customers, confirmed sale orders and
order lines generated with ``INSERT ... SELECT generate_series`` (no ORM create
per record), deterministic for a given seed.

Reusable by every benchmark::

    from bench_data import BenchDatabase, generate_sales
    with BenchDatabase("rfm") as bench:          # creates, installs sales_plus, drops
        with bench.environment() as env:
            stats = generate_sales(env, env.company, customers=1000, orders=2500, lines=10000)
"""

import contextlib
import os
import statistics
import subprocess
import sys
import time

ODOO_PATH = os.environ.get("ODOO_PATH", "/opt/odoo")
ADDONS_PATH = os.environ.get("ADDONS_PATH", "")
PGHOST = os.environ.get("PGHOST", "127.0.0.1")
PGPORT = os.environ.get("PGPORT", "5432")
PGUSER = os.environ.get("PGUSER", "")


def odoo_command(dbname, *options):
    """The odoo-bin command line on the benchmark's database server and addons."""
    return [
        sys.executable,
        os.path.join(ODOO_PATH, "odoo-bin"),
        f"--addons-path={ADDONS_PATH}",
        f"--db_host={PGHOST}",
        f"--db_port={PGPORT}",
        *([f"--db_user={PGUSER}"] if PGUSER else []),
        "-d",
        dbname,
        *options,
    ]


def say(text):
    """Print a benchmark line at once (the runs are long)."""
    print(text, flush=True)


def timed(function, repeat=1):
    """(median seconds, last result) of ``function()``."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def count_queries(env, function):
    """(queries run, result) of ``function()`` on ``env``'s cursor."""
    before = env.cr.sql_log_count
    result = function()
    return env.cr.sql_log_count - before, result


class BenchDatabase:
    """A throwaway database with sales_plus installed (no demo data).

    With ``BENCH_DB=name`` the database is kept after the run and reused by the
    next one (``reused`` is then true: the benchmark may skip its data
    generation); ``BENCH_UPDATE=1`` updates sales_plus in a reused database."""

    def __init__(self, name):
        self.keep = bool(os.environ.get("BENCH_DB"))
        self.dbname = os.environ.get("BENCH_DB") or f"sales_plus_bench_{name}_{os.getpid()}"
        self.registry = None
        self.reused = False

    def _exists(self):
        listed = subprocess.run(
            ["psql", "-h", PGHOST, "-p", PGPORT, *(["-U", PGUSER] if PGUSER else []), "-lqtA"],
            check=False,
            capture_output=True,
            text=True,
        )
        return self.dbname in {line.split("|", 1)[0] for line in listed.stdout.splitlines()}

    def __enter__(self):
        start = time.perf_counter()
        self.reused = self.keep and self._exists()
        if self.reused and not os.environ.get("BENCH_UPDATE"):
            print(f"# database {self.dbname}: reused", flush=True)
            return self._open_registry()
        args = odoo_command(
            self.dbname,
            "-u" if self.reused else "-i",
            "sales_plus",
            "--stop-after-init",
            "--workers=0",
            "--max-cron-threads=0",
            "--log-level=warn",
            "--http-interface=127.0.0.1",
            "--http-port=0",
        )
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        print(
            f"# database {self.dbname}: sales_plus {'updated' if self.reused else 'installed'} "
            f"in {time.perf_counter() - start:.0f} s",
            flush=True,
        )
        return self._open_registry()

    def _open_registry(self):
        sys.path.insert(0, ODOO_PATH)
        import odoo  # noqa: PLC0415 (Odoo is only importable once ODOO_PATH is known)
        from odoo.tools import config  # noqa: PLC0415

        config.parse_config(
            [
                f"--addons-path={ADDONS_PATH}",
                f"--db_host={PGHOST}",
                f"--db_port={PGPORT}",
                *([f"--db_user={PGUSER}"] if PGUSER else []),
                "--log-level=warn",
            ]
        )
        from odoo.modules.registry import Registry  # noqa: PLC0415

        self.odoo = odoo
        self.registry = Registry(self.dbname)
        return self

    @contextlib.contextmanager
    def environment(self):
        """An environment as superuser on a cursor committed on exit."""
        with self.registry.cursor() as cr:
            yield self.odoo.api.Environment(cr, self.odoo.SUPERUSER_ID, {})

    def __exit__(self, *exc):
        if self.keep:
            print(f"# database {self.dbname} kept (BENCH_DB)", flush=True)
            return False
        if self.registry is not None:
            self.registry.delete(self.dbname)
            from odoo.sql_db import close_db  # noqa: PLC0415

            close_db(self.dbname)
        subprocess.run(
            [
                "dropdb",
                "--if-exists",
                "-h",
                PGHOST,
                "-p",
                PGPORT,
                *(["-U", PGUSER] if PGUSER else []),
                self.dbname,
            ],
            check=False,
        )
        return False


def create_salespeople(env, company, count, prefix="bench"):
    """``count`` Sales Plus users of ``company`` spread over two teams."""
    users = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Bench Salesperson {company.id}-{index}",
                    "login": f"{prefix}_{company.id}_{index}",
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "group_ids": [(4, env.ref("sales_plus.group_sales_plus_user").id)],
                }
                for index in range(count)
            ]
        )
    )
    half = len(users) // 2
    env["crm.team"].create(
        [
            {
                "name": f"Bench Team A {company.id}",
                "company_id": company.id,
                "member_ids": [(6, 0, users[:half].ids)],
            },
            {
                "name": f"Bench Team B {company.id}",
                "company_id": company.id,
                "member_ids": [(6, 0, users[half:].ids)],
            },
        ]
    )
    return users


def generate_sales(
    env, company, *, customers, orders, lines, salespeople=(), foreign_currency=None, seed=0.19
):
    """Create ``customers`` companies (one in ten with a child contact that also
    orders), ``orders`` confirmed sale orders over the last two years (every
    customer at least one, then skewed towards a few big customers; one in ten
    in ``foreign_currency`` at a stored rate) and ``lines`` order lines spread
    evenly, then the orders' amounts. Returns the counts and the timings."""
    cr = env.cr
    env.flush_all()
    timings = {}
    product = env["product.product"].create({"name": f"Bench Product {company.id}", "type": "service"})
    user_ids = list(salespeople.ids) if salespeople else [None]
    currency = company.currency_id
    foreign = foreign_currency or currency
    tag = f"B{company.id}"

    def run(label, query, params=()):
        start = time.perf_counter()
        cr.execute(query, params)
        timings[label] = time.perf_counter() - start
        return cr.rowcount

    cr.execute("SELECT setseed(%s)", (seed,))
    run(
        "customers",
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type, autopost_bills, ref,
                                 user_id, company_id, create_date, write_date, create_uid, write_uid)
        SELECT %(tag)s || ' Customer ' || g, %(tag)s || ' Customer ' || g, TRUE, TRUE, 'contact', 'ask',
               %(tag)s || '-' || g, (%(users)s::int[])[1 + g %% cardinality(%(users)s::int[])],
               NULL, now(), now(), 1, 1
          FROM generate_series(1, %(n)s) g
        """,
        {"tag": tag, "n": customers, "users": user_ids},
    )
    cr.execute(
        """
        CREATE TEMP TABLE bench_customer ON COMMIT DROP AS
        SELECT substring(ref from position('-' in ref) + 1)::int AS n, id
          FROM res_partner WHERE ref LIKE %s;
        UPDATE res_partner p SET commercial_partner_id = p.id FROM bench_customer b WHERE b.id = p.id;
        CREATE UNIQUE INDEX ON bench_customer (n);
        ANALYZE bench_customer;
        """,
        (f"{tag}-%",),
    )
    run(
        "contacts",
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type, autopost_bills, parent_id,
                                 commercial_partner_id, create_date, write_date, create_uid, write_uid)
        SELECT 'Buyer', 'Buyer', FALSE, TRUE, 'contact', 'ask', b.id, b.id, now(), now(), 1, 1
          FROM bench_customer b WHERE b.n %% 10 = 0
        """,
    )
    # the ordering partner: the customer, or for one order in two its contact when it has one
    cr.execute(
        """
        CREATE TEMP TABLE bench_buyer ON COMMIT DROP AS
        SELECT b.n, b.id AS company_partner, COALESCE(c.id, b.id) AS contact
          FROM bench_customer b LEFT JOIN res_partner c ON c.parent_id = b.id;
        CREATE UNIQUE INDEX ON bench_buyer (n);
        ANALYZE bench_buyer;
        """
    )
    run(
        "orders",
        """
        INSERT INTO sale_order (name, client_order_ref, partner_id, partner_invoice_id, partner_shipping_id,
                                company_id, state, locked, date_order, currency_id, currency_rate,
                                picking_policy, user_id, amount_untaxed, amount_tax, amount_total,
                                cockpit_customer_id, create_date, write_date, create_uid, write_uid)
        SELECT %(tag)s || '/' || o.j, o.j, o.buyer, o.buyer, o.buyer, %(company)s, 'sale', FALSE,
               now() - make_interval(days => floor(power(random(), 1.6) * 730)::int,
                                     hours => floor(random() * 24)::int),
               CASE WHEN o.j %% 10 = 0 THEN %(foreign)s ELSE %(currency)s END,
               CASE WHEN o.j %% 10 = 0 AND %(foreign)s <> %(currency)s THEN 0.9 ELSE 1.0 END,
               'direct', (%(users)s::int[])[1 + o.n %% cardinality(%(users)s::int[])], 0, 0, 0,
               o.company_partner, now(), now(), 1, 1
          FROM (
              SELECT g AS j, n, bb.company_partner,
                     CASE WHEN g %% 2 = 0 THEN bb.contact ELSE bb.company_partner END AS buyer
                FROM generate_series(1, %(m)s) g
               CROSS JOIN LATERAL (
                   -- every customer orders once, then a skew towards the first customers
                   SELECT CASE WHEN g <= %(n)s THEN g
                               ELSE 1 + floor(power(random(), 3) * %(n)s)::int END AS n
               ) pick
                JOIN bench_buyer bb USING (n)
          ) o
        """,
        {
            "tag": tag,
            "company": company.id,
            "foreign": foreign.id,
            "currency": currency.id,
            "users": user_ids,
            "n": customers,
            "m": orders,
        },
    )
    cr.execute(
        """
        CREATE TEMP TABLE bench_order ON COMMIT DROP AS
        SELECT client_order_ref::int AS j, id, currency_id FROM sale_order
         WHERE company_id = %s AND name LIKE %s;
        CREATE UNIQUE INDEX ON bench_order (j);
        ANALYZE bench_order;
        """,
        (company.id, f"{tag}/%"),
    )
    run(
        "lines",
        """
        INSERT INTO sale_order_line (order_id, product_id, name, product_uom_qty, price_unit, price_subtotal,
                                     price_tax, price_total, customer_lead, sequence, company_id,
                                     currency_id, qty_delivered, qty_invoiced,
                                     create_date, write_date, create_uid, write_uid)
        SELECT o.id, %(product)s, 'Bench line', l.qty, l.price, l.qty * l.price, 0, l.qty * l.price, 0, 10,
               %(company)s, o.currency_id, 0, 0, now(), now(), 1, 1
          FROM (
              SELECT 1 + (k - 1) %% %(m)s AS j, 1 + floor(random() * 5)::int AS qty,
                     round((10 + random() * 490)::numeric, 2) AS price
                FROM generate_series(1, %(lines)s) k
          ) l
          JOIN bench_order o USING (j)
        """,
        {"product": product.id, "company": company.id, "m": orders, "lines": lines},
    )
    run(
        "amounts",
        """
        UPDATE sale_order so
           SET amount_untaxed = s.total, amount_total = s.total
          FROM (SELECT order_id, SUM(price_subtotal) AS total FROM sale_order_line
                 WHERE company_id = %s GROUP BY order_id) s
         WHERE s.order_id = so.id
        """,
        (company.id,),
    )
    cr.execute("ANALYZE res_partner; ANALYZE sale_order; ANALYZE sale_order_line")
    env.invalidate_all()
    return {"customers": customers, "orders": orders, "lines": lines, "timings": timings}
