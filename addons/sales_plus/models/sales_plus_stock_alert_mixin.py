# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SalesPlusStockAlertMixin(models.AbstractModel):
    """The open stock alerts of a document (an order, a transfer, a product):
    their count for a smart button and the action listing them. A model using
    it names the alert field pointing at its records in
    ``_stock_alert_subject_field``."""

    _name = "sales_plus.stock.alert.mixin"
    _description = "Sales Plus Stock Alerts of a Document"

    _stock_alert_subject_field = None

    # ---- Fields ----

    stock_alert_count = fields.Integer(
        string="Open Stock Alerts",
        compute="_compute_stock_alert_count",
        groups="sales_plus.group_sales_plus_user,stock.group_stock_user",
    )

    # ---- Compute methods ----

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_stock_alert_count(self):
        subject = self._stock_alert_subject_field
        counts = dict(
            self.env["sales_plus.stock.alert"]._read_group(
                [(subject, "in", self.ids), ("state", "!=", "resolved")],
                [subject],
                ["__count"],
            )
        )
        for record in self:
            record.stock_alert_count = counts.get(record._origin, 0)

    # ---- Action methods ----

    def action_view_stock_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_plus.sales_plus_stock_alert_action")
        action["domain"] = [(self._stock_alert_subject_field, "=", self.id)]
        action["context"] = {"search_default_filter_not_resolved": 1}
        return action
