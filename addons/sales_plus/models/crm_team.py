# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# the fields of a team the Sales Plus scope reads (res.users._sales_plus_scope)
SCOPE_FIELDS = {"user_id", "member_ids", "crm_team_member_ids", "crm_team_member_all_ids", "active"}


class CrmTeam(models.Model):
    _inherit = "crm.team"

    # ---- CRUD methods ----

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        self.env["res.users"]._sales_plus_scope_changed()
        return teams

    def write(self, vals):
        res = super().write(vals)
        if SCOPE_FIELDS.intersection(vals):
            self.env["res.users"]._sales_plus_scope_changed()
        return res

    def unlink(self):
        res = super().unlink()
        self.env["res.users"]._sales_plus_scope_changed()
        return res
