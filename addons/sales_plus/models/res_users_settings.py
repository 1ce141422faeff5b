# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..services.money_format import wan_units_default


class ResUsersSettings(models.Model):
    _inherit = "res.users.settings"

    sales_plus_cockpit_wan_units = fields.Boolean(
        string="Cockpit Amounts in Ten Thousands",
        help="The Sales Cockpit shows amounts in units of ten thousand (万 in Simplified "
        "Chinese, 萬 in Traditional Chinese), each column in one unit picked from its largest "
        "amount. On by default for users reading Chinese; each user can switch it off.",
    )

    # ---- CRUD methods ----

    @api.model_create_multi
    def create(self, vals_list):
        # the default follows the language of the user the settings are for
        missing = [vals for vals in vals_list if "sales_plus_cockpit_wan_units" not in vals]
        users = self.env["res.users"].browse([vals["user_id"] for vals in missing if vals.get("user_id")])
        langs = {user.id: user.lang for user in users.sudo()}
        for vals in missing:
            vals["sales_plus_cockpit_wan_units"] = wan_units_default(langs.get(vals.get("user_id")))
        return super().create(vals_list)
