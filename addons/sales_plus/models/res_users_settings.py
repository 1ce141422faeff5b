# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResUsersSettings(models.Model):
    _inherit = "res.users.settings"

    sales_plus_cockpit_wan_units = fields.Boolean(
        string="Cockpit Amounts in Ten Thousands",
        help="The Sales Cockpit shows amounts of 10,000 and more in units of ten thousand "
        "(万 in Simplified Chinese, 萬 in Traditional Chinese).",
    )
