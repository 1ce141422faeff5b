# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_datetime

# order fields whose change calls for new stock figures on the lines
STOCK_ALERT_ORDER_TRIGGERS = {"commitment_date", "warehouse_id", "date_order"}


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "sales_plus.stock.alert.mixin"]

    _stock_alert_subject_field = "order_id"

    # ---- Fields ----

    stock_alert_at_risk = fields.Boolean(
        string="Stock at Risk",
        readonly=True,
        copy=False,
        index=True,
        help="A line of this order is short of stock.",
    )

    # ---- Business methods ----

    def _stock_alert_update_at_risk(self):
        """Set ``stock_alert_at_risk`` of ``self`` from the stored line shortages,
        in one statement, writing only the orders whose flag changes."""
        if not self.ids:
            return
        self.env.execute_query(
            SQL(
                """
                UPDATE sale_order so
                   SET stock_alert_at_risk = r.at_risk
                  FROM (SELECT o.id,
                               EXISTS (SELECT 1 FROM sale_order_line sol
                                        WHERE sol.order_id = o.id AND sol.stock_alert_shortage) AS at_risk
                          FROM sale_order o
                         WHERE o.id = ANY(%s)) r
                 WHERE so.id = r.id AND so.stock_alert_at_risk IS DISTINCT FROM r.at_risk
                """,
                self.ids,
            )
        )
        self.invalidate_model(["stock_alert_at_risk"])

    def _stock_alert_check_confirmation(self):
        """Refuse to confirm an order shipped all at once (``picking_policy`` "one":
        the customer takes no partial delivery) while a line is short, when the
        company asks for it."""
        to_check = self.filtered(
            lambda o: (
                o.company_id.sales_plus_stock_alert_block_confirm
                and o.picking_policy == "one"
                and o.state in ("draft", "sent")
            )
        )
        if not to_check:
            return
        to_check.order_line._stock_alert_refresh()
        short_lines = to_check.order_line.filtered("stock_alert_shortage")
        if not short_lines:
            return
        details = "\n".join(
            self.env._(
                "- %(order)s, %(product)s: %(qty)s %(uom)s short, next stock expected %(date)s",
                order=line.order_id.name,
                product=line.product_id.display_name,
                qty=line.stock_alert_shortage_qty,
                uom=line.product_uom_id.name,
                date=(
                    format_datetime(self.env, line.stock_alert_incoming_date)
                    if line.stock_alert_incoming_date
                    else self.env._("not planned")
                ),
            )
            for line in short_lines
        )
        raise UserError(
            self.env._(
                "These orders are to be delivered all at once but are short of stock:\n"
                "%(details)s\n"
                "Deliver as soon as possible (partial deliveries), reduce the quantities or "
                "wait for the stock.",
                details=details,
            )
        )
