# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    # ---- Fields ----

    stock_alert_count = fields.Integer(
        string="Open Stock Alerts",
        compute="_compute_stock_alert_count",
        groups="sales_plus.group_sales_plus_user,stock.group_stock_user",
    )

    # ---- Compute methods ----

    @api.depends_context("company")
    def _compute_stock_alert_count(self):
        counts = dict(
            self.env["sales_plus.stock.alert"]._read_group(
                [("product_id.product_tmpl_id", "in", self.ids), ("state", "!=", "resolved")],
                ["product_id.product_tmpl_id"],
                ["__count"],
            )
        )
        for template in self:
            template.stock_alert_count = counts.get(template._origin, 0)

    # ---- Action methods ----

    def action_view_stock_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_plus.sales_plus_stock_alert_action")
        action["domain"] = [("product_id.product_tmpl_id", "=", self.id)]
        action["context"] = {"search_default_filter_not_resolved": 1}
        return action
