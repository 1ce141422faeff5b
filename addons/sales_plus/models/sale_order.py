# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The overrides of ``sale.order`` that more than one capability hooks into.

Each capability keeps its fields and logic in its own file
(``sale_order_price_approval.py``, ``sale_order_stock_alert.py``,
``sale_order_cockpit.py``, ``sale_order_rfm.py``); a method of core overridden
for several of them is overridden once, here, and calls each capability's hook.
"""

from odoo import api, models

from .sale_order_price_approval import PRICE_APPROVAL_ORDER_TRIGGERS
from .sale_order_stock_alert import STOCK_ALERT_ORDER_TRIGGERS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ---- CRUD methods ----

    @api.model_create_multi
    def create(self, vals_list):
        self._price_approval_check_vals(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._price_approval_check_vals([vals])
        check_prices = bool(PRICE_APPROVAL_ORDER_TRIGGERS.intersection(vals)) and not self.env.context.get(
            "sales_plus_defer_price_check"
        )
        # the lines written with the order check their prices once, after the order
        orders = self.with_context(sales_plus_defer_price_check=True) if check_prices else self
        res = super(SaleOrder, orders).write(vals)
        # a confirmation refreshes the lines' stock figures in _action_confirm, once
        # their transfers exist
        if STOCK_ALERT_ORDER_TRIGGERS.intersection(vals) and vals.get("state") != "sale":
            self.order_line._stock_alert_refresh()
        if check_prices:
            self._price_approval_check_changes()
        return res

    # ---- Action methods ----

    def _confirmation_error_message(self):
        return (
            super()._confirmation_error_message()
            or self._price_approval_block_message(self.env._("confirmed"))
            or self._stock_alert_block_message()
        )

    def _action_confirm(self):
        res = super()._action_confirm()
        self.env["sales_plus.stock.alert"]._stock_alert_scan(orders=self)
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self.env["sales_plus.stock.alert"]._stock_alert_scan(orders=self)
        self._price_approval_sync_activities()
        return res
