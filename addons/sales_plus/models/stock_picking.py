# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # ---- Fields ----

    stock_alert_ids = fields.One2many(
        comodel_name="sales_plus.stock.alert",
        inverse_name="picking_id",
        string="Stock Alerts",
        groups="sales_plus.group_sales_plus_user,stock.group_stock_user",
    )
    stock_alert_count = fields.Integer(
        string="Open Stock Alerts",
        compute="_compute_stock_alert_count",
        groups="sales_plus.group_sales_plus_user,stock.group_stock_user",
    )

    # ---- Compute methods ----

    @api.depends("stock_alert_ids.state")
    def _compute_stock_alert_count(self):
        counts = dict(
            self.env["sales_plus.stock.alert"]._read_group(
                [("picking_id", "in", self.ids), ("state", "!=", "resolved")],
                ["picking_id"],
                ["__count"],
            )
        )
        for picking in self:
            picking.stock_alert_count = counts.get(picking._origin, 0)

    # ---- Action methods ----

    def action_view_stock_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_plus.sales_plus_stock_alert_action")
        action["domain"] = [("picking_id", "=", self.id)]
        action["context"] = {"search_default_filter_not_resolved": 1}
        return action
