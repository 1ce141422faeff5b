# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The overrides of ``sale.order.line`` that more than one capability hooks
into, each overridden once (see ``sale_order.py``)."""

from odoo import api, models

from .sale_order_line_price_approval import PRICE_APPROVAL_LINE_TRIGGERS
from .sale_order_line_stock_alert import STOCK_ALERT_TRIGGER_FIELDS


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # ---- CRUD methods ----

    @api.model_create_multi
    def create(self, vals_list):
        self._price_approval_check_vals(vals_list)
        # before create completes the values (sale_margin precomputes the cost)
        costed = ["purchase_price" in vals for vals in vals_list]
        lines = super().create(vals_list)
        lines._price_approval_after_create(costed)
        lines._stock_alert_refresh()
        if not self.env.context.get("sales_plus_defer_price_check"):
            lines.order_id._price_approval_check_changes()
        return lines

    def write(self, vals):
        self._price_approval_check_vals([vals])
        res = super().write(vals)
        self._price_approval_after_write(vals)
        if STOCK_ALERT_TRIGGER_FIELDS.intersection(vals):
            self._stock_alert_refresh()
        if PRICE_APPROVAL_LINE_TRIGGERS.intersection(vals) and not self.env.context.get(
            "sales_plus_defer_price_check"
        ):
            self.order_id._price_approval_check_changes()
        return res
