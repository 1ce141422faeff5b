# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    # ---- Fields ----

    sales_plus_alert_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Shipping Alerts Responsible",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Receives the Sales Plus alerts of deliveries of this warehouse that are "
        "not shipped by their promised date (else the salesperson).",
    )
