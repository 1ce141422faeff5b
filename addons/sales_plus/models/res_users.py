# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.fields import Domain
from odoo.tools import SQL


class ResUsers(models.Model):
    _inherit = "res.users"

    # ---- Sales Plus scope (own / team / all) ----
    #
    # The one definition of what a user may see of salesperson-owned records.
    # Record rules (security/ir_rules.xml evaluates _sales_plus_scope_domain with
    # ``user``: the Sales Plus models, and the orders and invoices of Team
    # Leaders), ORM domains (cockpit drill-downs, the Regrade button) and raw
    # SQL (cockpit figures) are all built from _sales_plus_scope_terms. The
    # rules are cached: crm.team and crm.team.member call
    # _sales_plus_scope_changed when a leader or a membership changes.

    def _sales_plus_scope(self):
        """Who and which teams the user may see, by Sales Plus group.

        Returns a dict ``{"all": bool, "user_ids": [...], "team_ids": [...]}``:
        Managers see everything (within their allowed companies), Team Leaders
        their own records and those of the sales teams they lead or are a
        member of, Users their own records.
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

    @api.model
    def _sales_plus_scope_changed(self):
        """A team's leader or members changed: the record rules evaluated from
        the scope (ir.rule._compute_domain, cached per user) are computed
        again, at once and in every worker."""
        self.env.registry.clear_cache()

    def _sales_plus_scope_terms(self, user_fields, team_field=None, membership=False):
        """The user's scope on a kind of record, as ``[(field, ids), ...]``: a
        record is in scope when one of its ``field`` is one of ``ids``; None
        when every record is (Managers).

        ``user_fields``: the fields (or SQL columns) holding a salesperson of the
        record; ``team_field``: the one holding its sales team. A record belongs
        to the team written on it (``team_id`` of an order, invoice, alert,
        grade), not to its salesperson's team today. ``membership``: for records
        without a team of their own (a salesperson's target, a customer), which
        belong to every team their salesperson is a member of.
        """
        scope = self._sales_plus_scope()
        if scope["all"]:
            return None
        user_ids = scope["user_ids"]
        if membership and scope["team_ids"]:
            members = self.env["crm.team"].sudo().browse(scope["team_ids"]).member_ids
            user_ids = sorted(set(user_ids) | set(members.ids))
        terms = [(field, user_ids) for field in user_fields]
        if team_field is not None and scope["team_ids"]:
            terms.append((team_field, scope["team_ids"]))
        return terms

    def _sales_plus_scope_domain(self, user_fields, team_field=None, membership=False):
        """The scope as an ORM domain (see :meth:`_sales_plus_scope_terms`);
        the record rules of the Sales Plus models are this domain."""
        terms = self._sales_plus_scope_terms(user_fields, team_field, membership)
        if terms is None:
            return Domain.TRUE
        return Domain.OR(Domain(field, "in", ids) for field, ids in terms)

    def _sales_plus_scope_sql(self, user_columns, team_column=None, membership=False):
        """The scope as an SQL condition (see :meth:`_sales_plus_scope_terms`).

        ``user_columns`` and ``team_column`` are ``SQL`` expressions of the
        salesperson(s) and sales team of each row (e.g. ``SQL.identifier("so",
        "user_id")``); one salesperson column may be given alone. Without
        ``team_column``, Team Leaders are limited to their own rows, as Users are.
        """
        if isinstance(user_columns, SQL):
            user_columns = [user_columns]
        terms = self._sales_plus_scope_terms(user_columns, team_column, membership)
        if terms is None:
            return SQL("TRUE")
        return SQL("(%s)", SQL(" OR ").join(SQL("%s = ANY(%s)", column, ids) for column, ids in terms))
