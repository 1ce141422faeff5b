# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..services import cockpit_pacing

METRICS = [
    ("revenue", "Revenue"),
    ("invoiced", "Invoiced"),
    ("margin", "Gross Margin"),
    ("collected", "Collected"),
    ("new_customers", "New Customers"),
]


class SalesPlusTarget(models.Model):
    _name = "sales_plus.target"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Sales Target"
    _order = "date_from desc, metric, team_id, user_id, id"
    _check_company_auto = True

    _amount_positive = models.Constraint(
        "CHECK (amount >= 0)",
        "The amount of a target cannot be negative.",
    )
    _dates_ordered = models.Constraint(
        "CHECK (date_to >= date_from)",
        "The end of a target's period cannot be before its start.",
    )
    _user_xor_team = models.Constraint(
        "CHECK ((user_id IS NULL) <> (team_id IS NULL))",
        "A target is set either for a salesperson or for a sales team, not both.",
    )
    _lookup_idx = models.Index("(company_id, metric, date_from, date_to)")

    # ---- Fields ----

    name = fields.Char(compute="_compute_name")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Salesperson",
        index="btree_not_null",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    team_id = fields.Many2one(
        comodel_name="crm.team",
        string="Sales Team",
        index="btree_not_null",
        check_company=True,
    )
    metric = fields.Selection(selection=METRICS, required=True, default="revenue")
    period_type = fields.Selection(
        selection=[("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        required=True,
        default="month",
    )
    date_from = fields.Date(string="Start", required=True)
    date_to = fields.Date(string="End", required=True)
    amount = fields.Monetary(
        string="Target",
        required=True,
        help="In the company currency; for new customers, a number of customers.",
    )
    member_target_amount = fields.Monetary(
        string="Sum of Member Targets",
        compute="_compute_member_target_amount",
        help="For a team target: the targets of the team's members for the same "
        "metric, falling in the same period, added up.",
    )
    pacing_alert_date = fields.Date(
        readonly=True,
        copy=False,
        help="When the team leader was told that this target is behind pace (once per target).",
    )

    # ---- Compute methods ----

    @api.depends("user_id", "team_id", "metric", "period_type", "date_from")
    def _compute_name(self):
        labels = dict(self._fields["metric"]._description_selection(self.env))
        for target in self:
            who = target.user_id.name or target.team_id.name or ""
            period = (target.date_from and target._period_label()) or ""
            target.name = f"{labels.get(target.metric, '')} {who} {period}".strip()

    def _period_label(self):
        self.ensure_one()
        start = self.date_from
        if self.period_type == "month":
            return start.strftime("%Y-%m")
        if self.period_type == "quarter":
            return f"{start.year} Q{(start.month - 1) // 3 + 1}"
        return str(start.year)

    @api.depends("team_id", "metric", "date_from", "date_to", "company_id")
    def _compute_member_target_amount(self):
        team_targets = self.filtered(lambda t: t.team_id and t.date_from and t.date_to)
        (self - team_targets).member_target_amount = 0.0
        if not team_targets:
            return
        members = team_targets.team_id.member_ids
        candidates = self.sudo().search(
            [
                ("user_id", "in", members.ids),
                ("metric", "in", list(set(team_targets.mapped("metric")))),
                ("company_id", "in", team_targets.company_id.ids),
                ("date_from", ">=", min(team_targets.mapped("date_from"))),
                ("date_to", "<=", max(team_targets.mapped("date_to"))),
            ]
        )
        for target in team_targets:
            target.member_target_amount = sum(
                c.amount
                for c in candidates
                if c.user_id in target.team_id.member_ids
                and c.metric == target.metric
                and c.company_id == target.company_id
                and target.date_from <= c.date_from
                and c.date_to <= target.date_to
            )

    # ---- Constraint and onchange methods ----

    @api.constrains("user_id", "team_id", "metric", "company_id", "date_from", "date_to", "active")
    def _check_no_overlap(self):
        """One target per salesperson (or team), metric, company and day."""
        self.flush_model(["user_id", "team_id", "metric", "company_id", "date_from", "date_to", "active"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT t.id, o.id
                  FROM sales_plus_target t
                  JOIN sales_plus_target o
                    ON o.id <> t.id
                   AND o.active
                   AND o.company_id = t.company_id
                   AND o.metric = t.metric
                   AND o.user_id IS NOT DISTINCT FROM t.user_id
                   AND o.team_id IS NOT DISTINCT FROM t.team_id
                   AND o.date_from <= t.date_to
                   AND t.date_from <= o.date_to
                 WHERE t.id = ANY(%s) AND t.active
                 LIMIT 1
                """,
                self.ids,
            )
        )
        if rows:
            target, other = self.browse(rows[0][0]).sudo(), self.browse(rows[0][1]).sudo()
            raise ValidationError(
                self.env._(
                    "The target %(target)s (%(start)s to %(end)s) overlaps the target "
                    "%(other)s (%(other_start)s to %(other_end)s) for the same "
                    "salesperson or team, metric and company.",
                    target=target.name,
                    start=target.date_from,
                    end=target.date_to,
                    other=other.name,
                    other_start=other.date_from,
                    other_end=other.date_to,
                )
            )

    @api.onchange("period_type", "date_from")
    def _onchange_period(self):
        if self.date_from and self.period_type:
            self.date_from, self.date_to = cockpit_pacing.period_bounds(self.period_type, self.date_from)

    # ---- CRUD methods ----

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date_from") and not vals.get("date_to"):
                start = fields.Date.to_date(vals["date_from"])
                period_type = vals.get("period_type") or "month"
                vals["date_from"], vals["date_to"] = cockpit_pacing.period_bounds(period_type, start)
        return super().create(vals_list)

    # ---- Action methods ----

    def action_open_spread_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales_plus.target.spread.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_target_id": self.id},
        }
