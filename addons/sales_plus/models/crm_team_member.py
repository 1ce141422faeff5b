# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# the fields of a membership the Sales Plus scope reads (res.users._sales_plus_scope)
SCOPE_FIELDS = {"user_id", "crm_team_id", "active"}


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

    # ---- CRUD methods ----

    @api.model_create_multi
    def create(self, vals_list):
        memberships = super().create(vals_list)
        self.env["res.users"]._sales_plus_scope_changed()
        return memberships

    def write(self, vals):
        res = super().write(vals)
        if SCOPE_FIELDS.intersection(vals):
            self.env["res.users"]._sales_plus_scope_changed()
        return res

    def unlink(self):
        res = super().unlink()
        self.env["res.users"]._sales_plus_scope_changed()
        return res
