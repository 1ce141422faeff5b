# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.tools import SQL


class ResUsers(models.Model):
    _inherit = "res.users"

    # ---- Business methods ----

    def _sales_plus_scope(self):
        """What the user may see of salesperson-owned data, by Sales Plus group.

        Returns a dict ``{"all": bool, "user_ids": [...], "team_ids": [...]}``:
        Managers see everything (within their allowed companies), Team Leaders
        their own documents and those of the teams they lead or belong to, Users
        their own documents. The same rule is written as ``ir.rule`` domains;
        raw SQL uses :meth:`_sales_plus_scope_sql`.
        """
        self.ensure_one()
        if self.has_group("sales_plus.group_sales_plus_manager"):
            return {"all": True, "user_ids": [], "team_ids": []}
        team_ids = []
        if self.has_group("sales_plus.group_sales_plus_team_leader"):
            teams = (
                self.env["crm.team"]
                .sudo()
                .search(["|", ("user_id", "=", self.id), ("member_ids", "in", self.ids)])
            )
            team_ids = teams.ids
        return {"all": False, "user_ids": self.ids, "team_ids": team_ids}

    def _sales_plus_scope_sql(self, user_column, team_column=None):
        """An SQL condition restricting rows to the user's scope.

        ``user_column`` and ``team_column`` are ``SQL`` expressions of the
        salesperson and sales team of each row (e.g. ``SQL.identifier("so",
        "user_id")``). Without ``team_column``, Team Leaders are limited to their
        own rows, as Users are.
        """
        scope = self._sales_plus_scope()
        if scope["all"]:
            return SQL("TRUE")
        condition = SQL("%s = ANY(%s)", user_column, scope["user_ids"])
        if scope["team_ids"] and team_column is not None:
            condition = SQL("(%s OR %s = ANY(%s))", condition, team_column, scope["team_ids"])
        return condition
