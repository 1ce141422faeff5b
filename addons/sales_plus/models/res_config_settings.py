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
    sales_plus_stock_alert_expiry_days = fields.Integer(
        related="company_id.sales_plus_stock_alert_expiry_days",
        readonly=False,
    )
