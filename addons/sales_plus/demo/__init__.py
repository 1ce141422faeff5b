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
