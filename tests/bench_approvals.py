"""Benchmark of the price-deviation approvals: `make bench BENCH=approvals`.

Creates two databases without demo data: one with sales_plus, one with only what
sales_plus builds on (sale_management, sale_stock, sale_margin,
sale_tier_validation, report_xlsx). On each, for a quotation of N lines (default
200): creating it, recomputing it (a discount on every line) and confirming it,
timed (median of a few runs) and with their SQL query counts; prints the ratios
sales_plus / without sales_plus. Then, on the sales_plus database only, the
request and the approval of a quotation whose N lines are all off-policy.
Drops both databases.

Environment (set by the harness): ODOO_PATH, ADDONS_PATH, PGHOST, PGPORT, PGUSER.
Options: --lines N (default 200), --runs R (default 5), --keep (keep the databases).
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time

BASE_MODULES = "sale_management,sale_stock,sale_margin,sale_tier_validation,report_xlsx"


def odoo_args():
    args = [
        f"--addons-path={os.environ['ADDONS_PATH']}",
        f"--db_host={os.environ.get('PGHOST', '127.0.0.1')}",
        f"--db_port={os.environ.get('PGPORT', '5432')}",
        f"--db_user={os.environ.get('PGUSER', 'root')}",
        "--http-interface=127.0.0.1",
    ]
    if os.environ.get("PGPASSWORD"):
        args.append(f"--db_password={os.environ['PGPASSWORD']}")
    return args


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def install(db, modules):
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            os.path.join(os.environ["ODOO_PATH"], "odoo-bin"),
            *odoo_args(),
            "-d",
            db,
            "-i",
            modules,
            "--stop-after-init",
            "--workers=0",
            "--max-cron-threads=0",
            "--log-level=warn",
            f"--http-port={free_port()}",
        ],
        check=True,
    )
    print(f"  installed {modules} on {db} in {time.monotonic() - started:.0f} s", flush=True)


class Bench:
    def __init__(self, db, lines, runs):
        import odoo.api  # noqa: PLC0415
        from odoo.modules.registry import Registry  # noqa: PLC0415

        self.api = odoo.api
        self.registry = Registry(db)
        self.lines = lines
        self.runs = runs

    def env(self, cr):
        return self.api.Environment(cr, self.api.SUPERUSER_ID, {})

    def setup(self):
        """Products (one batched create) and a customer; sales_plus rules
        archived except the shipped default policy."""
        with self.registry.cursor() as cr:
            env = self.env(cr)
            products = env["product.product"].create(
                [
                    {
                        "name": f"Bench product {i}",
                        "list_price": 100.0 + i % 17,
                        "standard_price": 40.0 + i % 11,
                        "type": "consu",
                        "taxes_id": [(5, 0, 0)],
                    }
                    for i in range(self.lines)
                ]
            )
            partner = env["res.partner"].create({"name": "Bench customer"})
            admin = env.ref("base.user_admin")
            manager = env["res.users"].create(
                {
                    "name": "Bench manager",
                    "login": "bench_manager",
                    "group_ids": [
                        (6, 0, [env.ref("base.group_user").id, env.ref("sales_team.group_sale_manager").id])
                    ],
                }
            )
            if "sales_plus.price.rule" in env:
                manager.group_ids |= env.ref("sales_plus.group_sales_plus_general_manager")
            cr.commit()
            return products.ids, partner.id, admin.id, manager.id

    def measure(self, cr, func):
        cr.flush()
        queries = cr.sql_log_count
        started = time.perf_counter()
        func()
        cr.flush()
        return time.perf_counter() - started, cr.sql_log_count - queries

    def order_flow(self, product_ids, partner_id, user_id, price_factor=1.0):
        """Create, recompute (2% discount on every line) and confirm a quotation."""
        results = {"create": [], "recompute": [], "confirm": []}
        for _run in range(self.runs):
            with self.registry.cursor() as cr:
                env = self.env(cr)(user=user_id)
                products = env["product.product"].browse(product_ids)
                holder = {}

                def create(env=env, products=products, holder=holder):
                    holder["order"] = env["sale.order"].create(
                        {
                            "partner_id": partner_id,
                            "order_line": [
                                (
                                    0,
                                    0,
                                    {
                                        "product_id": product.id,
                                        "product_uom_qty": 1 + product.id % 3,
                                        "price_unit": product.list_price * price_factor,
                                    },
                                )
                                for product in products
                            ],
                        }
                    )
                    holder["order"].order_line.mapped("price_subtotal")

                def recompute(holder=holder):
                    order = holder["order"]
                    order.write(
                        {"order_line": [(1, line.id, {"discount": 2.0}) for line in order.order_line]}
                    )

                def confirm(holder=holder):
                    holder["order"].action_confirm()

                for name, func in (("create", create), ("recompute", recompute), ("confirm", confirm)):
                    env.invalidate_all()
                    results[name].append(self.measure(cr, func))
                assert holder["order"].state == "sale", holder["order"].state
                cr.rollback()
        return {name: (statistics.median(t for t, _q in runs), runs[-1][1]) for name, runs in results.items()}

    def approval_flow(self, product_ids, partner_id, user_id, manager_id):
        """Request and approve a quotation whose lines all need level 3."""
        results = {"request": [], "approve": [], "confirm": []}
        for _run in range(self.runs):
            with self.registry.cursor() as cr:
                env = self.env(cr)(user=user_id)
                products = env["product.product"].browse(product_ids)
                order = env["sale.order"].create(
                    {
                        "partner_id": partner_id,
                        "order_line": [
                            (
                                0,
                                0,
                                {"product_id": p.id, "product_uom_qty": 1, "price_unit": p.list_price * 0.6},
                            )
                            for p in products
                        ],
                    }
                )
                cr.flush()
                assert order.price_approval_level == 3
                manager_order = order.with_user(manager_id)

                def approve(manager_order=manager_order):
                    manager_order._price_approval_check_can_decide()
                    manager_order._validate_tier(manager_order._price_approval_decision_chain())

                for name, func in (
                    ("request", order.action_request_price_approval),
                    ("approve", approve),
                    ("confirm", order.action_confirm),
                ):
                    env.invalidate_all()
                    results[name].append(self.measure(cr, func))
                assert order.state == "sale", order.price_approval_state
                cr.rollback()
        return {name: (statistics.median(t for t, _q in runs), runs[-1][1]) for name, runs in results.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()

    sys.path.insert(0, os.environ["ODOO_PATH"])
    import odoo.sql_db  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(odoo_args())
    suffix = os.getpid()
    db_plus, db_base = f"sp_bench_approvals_{suffix}", f"sp_bench_approvals_base_{suffix}"
    print(
        f"Price-deviation approvals benchmark: quotation of {options.lines} lines, "
        f"median of {options.runs} runs"
    )
    try:
        install(db_plus, "sales_plus")
        install(db_base, BASE_MODULES)
        figures = {}
        for label, db in (("sales_plus", db_plus), ("without", db_base)):
            bench = Bench(db, options.lines, options.runs)
            product_ids, partner_id, admin_id, manager_id = bench.setup()
            figures[label] = bench.order_flow(product_ids, partner_id, admin_id)
            if label == "sales_plus":
                approvals = bench.approval_flow(product_ids, partner_id, admin_id, manager_id)

        print()
        print(
            f"{'step':<26}{'sales_plus':>14}{'without':>14}{'ratio':>8}{'queries':>10}{'without':>10}{'extra':>8}"
        )
        for step in ("create", "recompute", "confirm"):
            (t_plus, q_plus), (t_base, q_base) = figures["sales_plus"][step], figures["without"][step]
            print(
                f"{step + ' (within policy)':<26}{t_plus * 1000:>11.0f} ms{t_base * 1000:>11.0f} ms"
                f"{t_plus / t_base:>7.2f}x{q_plus:>10}{q_base:>10}{q_plus - q_base:>8}"
            )
        total_plus = sum(figures["sales_plus"][s][0] for s in ("recompute", "confirm"))
        total_base = sum(figures["without"][s][0] for s in ("recompute", "confirm"))
        print(
            f"{'recompute + confirm':<26}{total_plus * 1000:>11.0f} ms{total_base * 1000:>11.0f} ms"
            f"{total_plus / total_base:>7.2f}x"
        )
        print()
        print(f"Off-policy quotation of {options.lines} lines (level 3), sales_plus only:")
        for step in ("request", "approve", "confirm"):
            elapsed, queries = approvals[step]
            print(f"  {step:<12}{elapsed * 1000:>8.0f} ms{queries:>8} queries")
    finally:
        if not options.keep:
            odoo.sql_db.close_all()
            for db in (db_plus, db_base):
                subprocess.run(["dropdb", "--if-exists", db], check=False)


if __name__ == "__main__":
    main()
