# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo data generators: plain functions of an environment, called from the demo
XML files through ``res.company._sales_plus_generate_demo``. They are no model, so
a database installed without demo data has nothing of them."""

from . import cockpit, foundation, price_approval, stock_alert

GENERATORS = {
    "foundation": foundation.generate_foundation,
    "l10n": foundation.generate_l10n,
    "stock_alerts": stock_alert.generate_stock_alerts,
    "rfm": foundation.generate_rfm,
    "price_approvals": price_approval.generate_price_approvals,
    "cockpit": cockpit.generate_cockpit,
}


def generate(env, step):
    """Run the demo generator ``step`` (a key of ``GENERATORS``)."""
    GENERATORS[step](env)


def uninstall_hook(env):
    """Drop the cockpit's summary tables with their triggers on the orders,
    invoices and payments (models/sales_plus_cockpit_summary.py).

    Keep the demo records when sales_plus is uninstalled: orders, invoices and
    deliveries (which have no XML id) refer to its customers, products, users,
    teams and companies, which could not be deleted. Their XML ids go, the records
    stay as ordinary data; the records of sales_plus' own models go with them."""
    env["ir.model.data"].search(
        [
            ("module", "=", "sales_plus"),
            # demo XML ids end in _demo, their implied records' in _demo_<model>
            "|",
            "|",
            ("name", "=like", "%\\_demo"),
            ("name", "=like", "%\\_demo\\_res\\_partner"),
            ("name", "=like", "%\\_demo\\_product\\_template"),
            ("model", "not like", "sales_plus.%"),
        ]
    ).unlink()
    env["sales_plus.cockpit.summary"]._drop()
