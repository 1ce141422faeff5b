from odoo import fields, models


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

    # ------------------------------------------------------------
    # ACTION METHODS: customer grading
    # ------------------------------------------------------------

    def action_sales_plus_rfm_open_config(self):
        self.ensure_one()
        return self.env["sales_plus.rfm.config"].with_company(self.company_id).action_open_company_config()

    def action_sales_plus_rfm_regrade_now(self):
        self.ensure_one()
        return self.env["sales_plus.rfm.config"]._get_for_company(self.company_id).action_regrade_now()

    sales_plus_pacing_elapsed_pct = fields.Float(
        related="company_id.sales_plus_pacing_elapsed_pct",
        readonly=False,
    )
    sales_plus_pacing_completion_pct = fields.Float(
        related="company_id.sales_plus_pacing_completion_pct",
        readonly=False,
    )
