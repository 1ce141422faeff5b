# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sales_plus_fallback_user_id = fields.Many2one(
        related="company_id.sales_plus_fallback_user_id",
        readonly=False,
    )
    sales_plus_stock_alert_block_confirm = fields.Boolean(
        related="company_id.sales_plus_stock_alert_block_confirm",
        readonly=False,
    )
    sales_plus_stock_alert_demand_days = fields.Integer(
        related="company_id.sales_plus_stock_alert_demand_days",
        readonly=False,
    )
    sales_plus_stock_alert_lead_days = fields.Integer(
        related="company_id.sales_plus_stock_alert_lead_days",
        readonly=False,
    )
    sales_plus_stock_alert_safety_factor = fields.Float(
        related="company_id.sales_plus_stock_alert_safety_factor",
        readonly=False,
    )
    sales_plus_stock_alert_group_id = fields.Many2one(
        related="company_id.sales_plus_stock_alert_group_id",
        readonly=False,
    )
    sales_plus_stock_alert_expiry_days = fields.Integer(
        related="company_id.sales_plus_stock_alert_expiry_days",
        readonly=False,
    )
    sales_plus_stock_alert_activity_limit = fields.Integer(
        related="company_id.sales_plus_stock_alert_activity_limit",
        readonly=False,
    )
    sales_plus_rfm_regrade_progress = fields.Char(
        string="Customer Grading Progress",
        compute="_compute_sales_plus_rfm_regrade",
    )
    sales_plus_rfm_regrade_state = fields.Selection(
        selection=lambda self: self.env["sales_plus.rfm.regrade"]._fields["state"].selection,
        string="Customer Grading Status",
        compute="_compute_sales_plus_rfm_regrade",
    )
    sales_plus_rfm_last_run_date = fields.Datetime(
        string="Last Full Regrade",
        compute="_compute_sales_plus_rfm_regrade",
    )

    # ---- Compute methods ----

    @api.depends("company_id")
    def _compute_sales_plus_rfm_regrade(self):
        Regrade = self.env["sales_plus.rfm.regrade"].sudo()
        for settings in self:
            regrade = Regrade.search([("company_id", "=", settings.company_id.id)], limit=1)
            settings.sales_plus_rfm_regrade_progress = regrade.progress
            settings.sales_plus_rfm_regrade_state = regrade.state
            settings.sales_plus_rfm_last_run_date = regrade.last_run_date

    # ---- Action methods: customer grading ----

    def action_sales_plus_rfm_open_config(self):
        self.ensure_one()
        return self.env["sales_plus.rfm.config"].with_company(self.company_id).action_open_company_config()

    def action_sales_plus_rfm_regrade_now(self):
        """Queue a regrade of every company selected in the company switcher."""
        self.ensure_one()
        Regrade = self.env["sales_plus.rfm.regrade"]
        regrades = Regrade.browse()
        for company in self.env.companies:
            regrades |= Regrade._get_for_company(company)
        return regrades.with_env(self.env).action_regrade_now()

    sales_plus_pacing_elapsed_pct = fields.Float(
        related="company_id.sales_plus_pacing_elapsed_pct",
        readonly=False,
    )
    sales_plus_pacing_completion_pct = fields.Float(
        related="company_id.sales_plus_pacing_completion_pct",
        readonly=False,
    )

    # ---- Action methods: cockpit ----

    def action_sales_plus_rebuild_cockpit_summaries(self):
        """Empty the cockpit's summary tables and fill them again from the
        orders, invoices and payments (administrators only)."""
        self.ensure_one()
        self.env["sales_plus.cockpit.summary"]._rebuild()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("The cockpit summaries were rebuilt from the documents."),
                "sticky": False,
            },
        }
