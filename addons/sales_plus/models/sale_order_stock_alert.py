# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
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

    def _stock_alert_block_message(self):
        """Why the order cannot be confirmed for its stock, or False: it is
        shipped all at once (``picking_policy`` "one": the customer takes no
        partial delivery), a line is short of stock as confirming it now would
        leave it, and the company blocks such confirmations."""
        self.ensure_one()
        if not (self.company_id.sales_plus_stock_alert_block_confirm and self.picking_policy == "one"):
            return False
        shortages = self.order_line._stock_alert_shortages(confirm_date=fields.Datetime.now())
        if not shortages:
            return False
        details = "\n".join(
            self.env._(
                "- %(order)s, %(product)s: %(qty)s %(uom)s short, next stock expected %(date)s",
                order=self.name,
                product=line.product_id.display_name,
                qty=short,
                uom=line.product_uom_id.name,
                date=(format_datetime(self.env, next_date) if next_date else self.env._("not planned")),
            )
            for line, (short, next_date) in shortages.items()
        )
        return self.env._(
            "These orders are to be delivered all at once but are short of stock:\n"
            "%(details)s\n"
            "Deliver as soon as possible (partial deliveries), reduce the quantities or "
            "wait for the stock.",
            details=details,
        )
