"""Benchmark of the Sales Plus stock alert scan: `make bench BENCH=alerts`.

Creates its own database, installs sales_plus without demo data, generates in
bulk SQL (cloning rows made once by the ORM) storable products with stock, open
order lines, open delivery transfers, receipts, past deliveries and reordering
rules at two sizes, and prints for each: full scan time and query count (first
run, which creates the alerts, and a second run with nothing changed, which
must write nothing; a third run after stock arrived, which updates and
resolves alerts), the open activities and the alerts waiting for one
after each run (a person holds at most the company's limit), and the ratio of
the second run to the SQL floor: the scan's own figures and conditions
computed read-only in plain SQL and compared with the stored rows (see
hand_sql_pass). Drops its database.

Options: --scale 0.1 runs a tenth of the full size (50,000 products, 20,000
open order lines, 5,000 open transfers); --keep keeps the database;
--activity-limit N sets the company's stock alert activities per person.
"""

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import time

ODOO_PATH = os.environ.get("ODOO_PATH", "/opt/odoo")
ADDONS_PATH = os.environ["ADDONS_PATH"]
sys.path.insert(0, ODOO_PATH)

FULL = {"products": 50_000, "lines": 20_000, "pickings": 5_000}


def odoo_bin(db, *args):
    cmd = [
        sys.executable,
        os.path.join(ODOO_PATH, "odoo-bin"),
        f"--addons-path={ADDONS_PATH}",
        f"--db_host={os.environ.get('PGHOST', '127.0.0.1')}",
        f"--db_port={os.environ.get('PGPORT', '5432')}",
        f"--db_user={os.environ.get('PGUSER', 'root')}",
        "-d",
        db,
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=warn",
        "--http-interface=127.0.0.1",
        "--http-port=0",
        "--stop-after-init",
        *args,
    ]
    subprocess.run(cmd, check=True)


def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def clone(cr, table, template_id, count, overrides, offset=0, params=None):
    """Insert ``count`` copies of row ``template_id`` of ``table``; ``overrides``
    maps columns to SQL expressions of ``g`` (1..count, plus ``offset``) and of
    the named ``params``. Returns the new ids in order of ``g``."""
    cols = columns(cr, table)
    select = ", ".join(overrides.get(c, f"t.{c}") for c in cols)
    cr.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) "
        f"SELECT {select} FROM {table} t, generate_series(%(clone_first)s, %(clone_last)s) g "
        f"WHERE t.id = %(clone_template)s ORDER BY g RETURNING id",
        {
            **(params or {}),
            "clone_first": offset + 1,
            "clone_last": offset + count,
            "clone_template": template_id,
        },
    )
    return [row[0] for row in cr.fetchall()]


def templates(env):
    """One record of each kind made by the ORM, to clone."""
    from odoo.fields import Command  # noqa: PLC0415

    company = env.company
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    # a salesperson per size: each size's first scan gives its own salesperson
    # their activities (up to the company's limit), so that the two sizes compare
    # the same work
    users = env["res.users"].create(
        [
            {
                "name": f"Bench Salesperson {size}",
                "login": f"bench_sales_{size}",
                "group_ids": [Command.link(env.ref("sales_plus.group_sales_plus_user").id)],
            }
            for size in (1, 2)
        ]
    )
    user = users[0]
    partner = env["res.partner"].create({"name": "Bench Customer"})
    product = env["product.product"].create({"name": "Bench Product", "type": "consu", "is_storable": True})
    env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1)
    quote = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "user_id": user.id,
            "warehouse_id": warehouse.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
        }
    )
    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "user_id": user.id,
            "warehouse_id": warehouse.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
        }
    )
    order.action_confirm()
    receipt = env["stock.move"].create(
        {
            "product_id": product.id,
            "product_uom_qty": 1,
            "product_uom": product.uom_id.id,
            "location_id": env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": warehouse.lot_stock_id.id,
        }
    )
    receipt._action_confirm()
    orderpoint = env["stock.warehouse.orderpoint"].create(
        {
            "product_id": product.id,
            "warehouse_id": warehouse.id,
            "location_id": warehouse.lot_stock_id.id,
            "product_min_qty": 1,
            "product_max_qty": 2,
            "trigger": "manual",
        }
    )
    env.flush_all()
    return {
        "product": product,
        "quant": env["stock.quant"].search([("product_id", "=", product.id)], limit=1),
        "quote": quote,
        "order": order,
        "picking": order.picking_ids,
        "receipt": receipt,
        "orderpoint": orderpoint,
        "users": users,
    }


def generate(env, tpl, size, offset, user):
    """Bulk-insert ``size`` rows of each kind (offset: rows already generated),
    the orders of salesperson ``user``."""
    cr = env.cr
    n_products, n_lines, n_pickings = size["products"], size["lines"], size["pickings"]
    p_off, l_off, k_off = offset["products"], offset["lines"], offset["pickings"]
    product = tpl["product"]
    tmpl_ids = clone(
        cr,
        "product_template",
        product.product_tmpl_id.id,
        n_products,
        {"name": "jsonb_build_object('en_US', 'Bench Product ' || g)"},
        p_off,
    )
    cr.execute(
        "INSERT INTO product_product"
        " (product_tmpl_id, active, create_uid, write_uid, create_date, write_date) "
        "SELECT unnest(%s::int[]), TRUE, 1, 1, now(), now() RETURNING id",
        [tmpl_ids],
    )
    product_ids = [row[0] for row in cr.fetchall()]
    # stock: every product on hand except one in ten, a quarter partly reserved
    quant_overrides = {
        "product_id": "(%(p)s::int[])[g]",
        "quantity": "CASE WHEN mod(g, 10) = 0 THEN 0 ELSE mod(g, 40) END",
        "reserved_quantity": "CASE WHEN mod(g, 4) = 0 AND mod(g, 10) != 0 THEN 1 ELSE 0 END",
    }
    clone(cr, "stock_quant", tpl["quant"].id, n_products, quant_overrides, params={"p": product_ids})
    # receipts: one product in five has stock coming
    n_receipts = n_products // 5
    receipt_overrides = {
        "product_id": "(%(p)s::int[])[g * 5]",
        "product_uom_qty": "10",
        "product_qty": "10",
        "date": "now() + mod(g, 20) * interval '1 day'",
        "reference": "'BENCH/IN/' || %(off)s || '/' || g",
    }
    clone(
        cr,
        "stock_move",
        tpl["receipt"].id,
        n_receipts,
        receipt_overrides,
        params={"p": product_ids, "off": p_off},
    )
    # reordering rules on one product in twenty-five
    n_rules = n_products // 25
    rule_overrides = {
        "product_id": "(%(p)s::int[])[g * 25]",
        "name": "'BENCH-OP-' || %(off)s || '-' || g",
        "product_min_qty": "50",
        "product_max_qty": "80",
    }
    clone(
        cr,
        "stock_warehouse_orderpoint",
        tpl["orderpoint"].id,
        n_rules,
        rule_overrides,
        params={"p": product_ids, "off": p_off},
    )
    # orders of five lines: half quotations, half confirmed
    n_orders = n_lines // 5
    half = n_orders // 2
    salesperson = {"user_id": str(user.id)}
    quote_ids = clone(cr, "sale_order", tpl["quote"].id, half, {"name": "'BQ' || g", **salesperson}, l_off)
    order_ids = clone(
        cr, "sale_order", tpl["order"].id, n_orders - half, {"name": "'BS' || g", **salesperson}, l_off
    )
    all_orders = quote_ids + order_ids
    line_overrides = {
        "order_id": "(%(o)s::int[])[(g - 1) / 5 + 1]",
        "product_id": "(%(p)s::int[])[mod(g * 7, %(np)s) + 1]",
        "product_uom_qty": "1 + mod(g, 30)",
        "qty_delivered": "0",
        "state": "CASE WHEN (g - 1) / 5 + 1 <= %(half)s THEN 'draft' ELSE 'sale' END",
    }
    line_ids = clone(
        cr,
        "sale_order_line",
        tpl["quote"].order_line.id,
        n_lines,
        line_overrides,
        params={"o": all_orders, "p": product_ids, "np": n_products, "half": half},
    )
    confirmed_lines = line_ids[half * 5 :]
    # open deliveries of the confirmed orders, one move each, a third of them late
    picking = tpl["picking"]
    picking_ids = clone(
        cr,
        "stock_picking",
        picking.id,
        n_pickings,
        {
            "name": "'BENCH/OUT/' || g",
            "sale_id": (
                f"(ARRAY[{','.join(map(str, order_ids))}]::int[])[mod(g - {k_off} - 1, {len(order_ids)}) + 1]"
            ),
            "scheduled_date": "now() + (mod(g, 3) - 2) * interval '3 days'",
            "date_deadline": "now() + (mod(g, 3) - 2) * interval '3 days'",
            "state": "'confirmed'",
        },
        k_off,
    )
    move_overrides = {
        "picking_id": "(%(k)s::int[])[g]",
        "sale_line_id": "(%(l)s::int[])[mod(g - 1, %(nl)s) + 1]",
        "product_id": (
            "(SELECT product_id FROM sale_order_line WHERE id = (%(l)s::int[])[mod(g - 1, %(nl)s) + 1])"
        ),
        "state": "'confirmed'",
        "product_uom_qty": "1",
        "product_qty": "1",
        "quantity": "0",
        "reference": "'BENCH/OUT/' || g",
    }
    clone(
        cr,
        "stock_move",
        picking.move_ids.id,
        n_pickings,
        move_overrides,
        params={"k": picking_ids, "l": confirmed_lines, "nl": len(confirmed_lines)},
    )
    # past deliveries (demand): one done move per product in ten, within 30 days
    done_overrides = {
        "product_id": "(%(p)s::int[])[g * 10]",
        "picking_id": "NULL",
        "sale_line_id": "NULL",
        "state": "'done'",
        "product_uom_qty": "60",
        "product_qty": "60",
        "quantity": "60",
        "date": "now() - mod(g, 25) * interval '1 day'",
        "reference": "'BENCH/DONE/' || %(off)s || '/' || g",
    }
    clone(
        cr,
        "stock_move",
        picking.move_ids.id,
        n_products // 10,
        done_overrides,
        params={"p": product_ids, "off": p_off},
    )
    cr.execute("ANALYZE")
    env.invalidate_all()


def hand_sql_pass(env):
    """The floor: what the scan computes, in plain SQL, read only, with no ORM
    and no write. It runs the scan's own SQL (production methods, not copies)
    for the figures (the same conversion to the line's unit, the same warehouse
    and company figures) and for the alert conditions (the same four types),
    compares them with the stored line figures and the unresolved alerts as the
    scan does (the same rounding and comparison), and returns the counts of what
    a scan would write: (lines with new figures, alerts to create, to update, to
    resolve)."""
    from odoo.tools import SQL  # noqa: PLC0415

    cr = env.cr
    line = env["sale.order.line"]
    alert = env["sales_plus.stock.alert"]
    figures = line._stock_alert_figures_sql(line._stock_alert_open_scope_sql())
    cr.execute(
        SQL(
            """
            SELECT COUNT(*)
              FROM (%s) n
              JOIN sale_order_line sol ON sol.id = n.id
             WHERE %s
            """,
            figures,
            line._stock_alert_figures_changed_sql("sol", "n"),
        )
    )
    lines = cr.fetchone()[0]
    cr.execute(
        SQL(
            """
            SELECT COUNT(*) FILTER (WHERE a.id IS NULL),
                   COUNT(*) FILTER (WHERE a.id IS NOT NULL AND c.alert_type IS NOT NULL AND %(changed)s),
                   COUNT(*) FILTER (WHERE c.alert_type IS NULL)
              FROM (%(conditions)s) c
         FULL JOIN (%(unresolved)s) a ON a.alert_type = c.alert_type AND a.subject_key = c.subject_key
            """,
            conditions=alert._stock_alert_conditions_sql(datetime.datetime.now()),
            unresolved=alert._stock_alert_unresolved_sql(),
            changed=alert._stock_alert_changed_sql("a", "c"),
        )
    )
    return (lines, *cr.fetchone())


def change_stock(env):
    """Stock arrives for a third of the products (shortages and safety stock
    alerts resolve) and one unit for another third (their figures change)."""
    env.cr.execute(
        "UPDATE stock_quant SET quantity = quantity + CASE mod(product_id, 3) WHEN 0 THEN 200 ELSE 1 END"
        " WHERE mod(product_id, 3) != 2"
    )
    env.invalidate_all()


def measure(env, label, fn):
    # every run starts from cold caches, so that the query counts of the two
    # sizes compare the same work (the first run would also fill the caches)
    env.invalidate_all()
    env.registry.clear_all_caches()
    start_queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    queries = env.cr.sql_log_count - start_queries
    env.cr.execute(
        "SELECT COUNT(*) FILTER (WHERE act.id IS NOT NULL),"
        "       COUNT(*) FILTER (WHERE act.id IS NULL AND a.state = 'open' AND a.user_id IS NOT NULL)"
        "  FROM sales_plus_stock_alert a"
        "  LEFT JOIN mail_activity act"
        "    ON act.res_model = 'sales_plus.stock.alert' AND act.res_id = a.id AND act.active"
        " WHERE a.state != 'resolved'"
    )
    activities, waiting = env.cr.fetchone()
    return {
        "label": label,
        "seconds": elapsed,
        "queries": queries,
        "result": result,
        "activities": f"{activities} open activities, {waiting} alerts waiting for one",
    }


def run_size(env, label):
    Alert = env["sales_plus.stock.alert"]
    first = measure(env, "first scan", Alert._stock_alert_scan)
    env.cr.commit()
    second = measure(env, "second scan", Alert._stock_alert_scan)
    env.cr.commit()
    hand = min(
        (measure(env, "SQL floor (read)", lambda: hand_sql_pass(env)) for _ in range(3)),
        key=lambda m: m["seconds"],
    )
    change_stock(env)
    env.cr.commit()
    changed = measure(env, "scan after change", Alert._stock_alert_scan)
    env.cr.commit()
    env.cr.execute("SELECT COUNT(*) FROM sale_order_line WHERE stock_alert_promised_date IS NOT NULL")
    lines = env.cr.fetchone()[0]
    env.cr.execute("SELECT COUNT(*) FROM stock_picking WHERE state NOT IN ('done', 'cancel')")
    pickings = env.cr.fetchone()[0]
    env.cr.execute("SELECT COUNT(*) FROM product_product")
    products = env.cr.fetchone()[0]
    print(f"\n== {label}: {products} products, {lines} open order lines, {pickings} open transfers")
    for m in (first, second, hand, changed):
        print(f"  {m['label']:<18} {m['seconds']:8.2f} s  {m['queries']:6d} queries  {m['result']}")
        if m is not hand:
            print(f"  {'':<18} {m['activities']}")
    print(f"  ratio second scan / SQL floor: {second['seconds'] / hand['seconds']:.2f}x")
    return first, second, hand, changed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--activity-limit",
        type=int,
        default=None,
        help="stock alert activities per person (the company setting; default: its default, 50)",
    )
    args = parser.parse_args()
    full = {key: int(value * args.scale) for key, value in FULL.items()}
    small = {key: value // 5 for key, value in full.items()}
    rest = {key: full[key] - small[key] for key in full}
    db = f"sales_plus_bench_alerts_{os.getpid()}"
    print(f"[bench] installing sales_plus in {db}", flush=True)
    odoo_bin(db, "-i", "sales_plus")
    import odoo  # noqa: PLC0415
    from odoo import api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(
        [
            f"--addons-path={ADDONS_PATH}",
            f"--db_host={os.environ.get('PGHOST', '127.0.0.1')}",
            f"--db_user={os.environ.get('PGUSER', 'root')}",
            "--log-level=warn",
            "--http-interface=127.0.0.1",
        ]
    )
    try:
        registry = Registry(db)
        with registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            tpl = templates(env)
            if args.activity_limit is not None:
                env.company.sales_plus_stock_alert_activity_limit = args.activity_limit
            cr.commit()
            start = time.perf_counter()
            generate(env, tpl, small, dict.fromkeys(small, 0), tpl["users"][0])
            cr.commit()
            print(f"[bench] generated size 1 in {time.perf_counter() - start:.1f} s", flush=True)
            first_small, second_small, _hand, changed_small = run_size(env, "size 1 (a fifth)")
            start = time.perf_counter()
            generate(env, tpl, rest, small, tpl["users"][1])
            cr.commit()
            print(f"[bench] generated size 2 in {time.perf_counter() - start:.1f} s", flush=True)
            first_full, second_full, _hand, changed_full = run_size(env, "size 2 (full)")
        print("\n== summary")
        print(
            f"  queries, scan creating alerts:  size 1 {first_small['queries']},"
            f" size 2 {first_full['queries']}"
            f" -> {'equal' if first_small['queries'] == first_full['queries'] else 'DIFFERENT'}"
        )
        print(
            f"  queries, scan with no change:   size 1 {second_small['queries']},"
            f" size 2 {second_full['queries']}"
            f" -> {'equal' if second_small['queries'] == second_full['queries'] else 'DIFFERENT'}"
        )
        print(
            f"  queries, scan updating/resolving: size 1 {changed_small['queries']},"
            f" size 2 {changed_full['queries']}"
            f" -> {'equal' if changed_small['queries'] == changed_full['queries'] else 'DIFFERENT'}"
        )
        print(f"  second run writes: size 1 {second_small['result']}, size 2 {second_full['result']}")
    finally:
        if not args.keep:
            Registry.delete(db)
            odoo.sql_db.close_db(db)
            subprocess.run(["dropdb", "--if-exists", db], check=False)
            shutil.rmtree(odoo.tools.config.filestore(db), ignore_errors=True)
            print(f"[bench] dropped {db} and its filestore")


if __name__ == "__main__":
    main()
