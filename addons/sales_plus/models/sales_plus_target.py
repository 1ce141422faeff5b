# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..services import cockpit_pacing
from ..tools import tune_transaction
from ..tools.cockpit_metrics import TARGET_METRIC_SELECTION


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
    metric = fields.Selection(selection=TARGET_METRIC_SELECTION, required=True, default="revenue")
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
    actual_amount = fields.Monetary(
        string="Actual",
        compute="_compute_pacing_figures",
        help="What the salesperson or team achieved over the target's period, as the Sales "
        "Cockpit counts it (for new customers, a number of customers).",
    )
    completion_rate = fields.Float(
        string="Completion",
        compute="_compute_pacing_figures",
        help="The actual over the target.",
    )
    pace_rate = fields.Float(
        string="Pace",
        compute="_compute_pacing_figures",
        help="The actual over what should be done by today, by working days of the period: "
        "100% is on pace, below is behind.",
    )
    pacing_alert_date = fields.Date(
        readonly=True,
        copy=False,
        help="When the team leader was told that this target is behind pace (once per target).",
    )

    # ---- Compute methods ----

    @api.depends("user_id", "team_id", "metric", "period_type", "date_from")
    @api.depends_context("lang")
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

    @api.depends("user_id", "team_id", "metric", "date_from", "date_to", "company_id", "amount")
    def _compute_pacing_figures(self):
        """The actual, completion and pace of each target, from the figures the
        pacing alerts read (:meth:`_pacing_actuals`): a fixed number of queries
        per company, whatever the number of targets."""
        measurable = self.filtered(
            lambda t: t.company_id and t.date_from and t.date_to and (t.user_id or t.team_id) and t.metric
        )
        (self - measurable).update({"actual_amount": 0.0, "completion_rate": 0.0, "pace_rate": 0.0})
        today = fields.Date.context_today(self)
        for company, targets in measurable.grouped("company_id").items():
            actuals = targets._pacing_actuals()
            weekdays, holidays = self.env["sales_plus.cockpit"]._working_calendar(
                company, min(targets.mapped("date_from")), max(targets.mapped("date_to"))
            )
            for target in targets:
                actual = actuals[target.id]
                figures = cockpit_pacing.pacing(
                    target.amount, actual, target.date_from, target.date_to, today, weekdays, holidays
                )
                target.actual_amount = actual
                target.completion_rate = figures["completion"] or 0.0
                target.pace_rate = figures["pace"] or 0.0

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

    def write(self, vals):
        res = super().write(vals)
        # the record rules are checked before a write only: the target must stay
        # among those the user may manage (their teams, their members, companies)
        if not self.env.su and (moved := self - self._filtered_access("write")):
            raise AccessError(
                self.env._(
                    "You cannot move the targets %(targets)s out of the targets you manage.",
                    targets=", ".join(moved.sudo().mapped("name")),
                )
            )
        return res

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

    def action_open_cockpit(self):
        """The Sales Cockpit on the target's period, salesperson or team and company.

        The cockpit's filters (those ``sales_plus.cockpit.get_cockpit_data``
        takes) travel as the client action's ``params`` and in its context
        (``sales_plus_cockpit_filters``) for the cockpit to start from."""
        self.ensure_one()
        filters = {
            "company_id": self.company_id.id,
            "period_type": self.period_type,
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "user_id": self.user_id.id,
            "team_id": self.team_id.id,
        }
        return {
            "type": "ir.actions.client",
            "tag": "sales_plus.cockpit",
            "name": self.env._("Sales Cockpit"),
            "params": filters,
            "context": {"sales_plus_cockpit_filters": filters},
        }

    # ---- Pacing alerts (cron) ----

    @api.model
    def _cron_pacing_alerts(self):
        """Tell the team leaders of each running target behind pace (activity +
        message with email notification), once per target."""
        today = fields.Date.context_today(self)
        targets = self.sudo().search(
            [("date_from", "<=", today), ("date_to", ">=", today), ("pacing_alert_date", "=", False)]
        )
        for company in targets.company_id:
            company_targets = targets.filtered(lambda t, c=company: t.company_id == c)
            company_targets.with_company(company)._send_pacing_alerts(today)

    def _send_pacing_alerts(self, today):
        """Alert on the targets of one company that are behind pace on ``today``:
        more than the company's share of their working days gone, less than its
        share of them done."""
        company = self.company_id
        company.ensure_one()
        elapsed_min = company.sales_plus_pacing_elapsed_pct / 100.0
        completion_min = company.sales_plus_pacing_completion_pct / 100.0
        weekdays, holidays = self.env["sales_plus.cockpit"]._working_calendar(
            company, min(self.mapped("date_from")), max(self.mapped("date_to"))
        )
        actuals = self._pacing_actuals()
        activity_type = self.env.ref("sales_plus.mail_activity_type_sales_plus_followup")
        late = self.browse()
        for target in self:
            figures = cockpit_pacing.pacing(
                target.amount, actuals[target.id], target.date_from, target.date_to, today, weekdays, holidays
            )
            if (
                not target.amount
                or figures["elapsed"] < elapsed_min
                or figures["completion"] >= completion_min
            ):
                continue
            leaders = target._pacing_leaders()
            if not leaders:
                continue
            # each leader reads it in their language, not in the cron's: one
            # message per language of the leaders (usually one)
            for lang, lang_leaders in leaders.grouped("lang").items():
                localized = target.with_context(lang=lang)
                summary = localized.env._(
                    "%(target)s is behind pace: %(completion)s%% done with %(elapsed)s%% of the period gone",
                    target=localized.name,
                    completion=round(figures["completion"] * 100),
                    elapsed=round(figures["elapsed"] * 100),
                )
                for leader in lang_leaders:
                    target.activity_schedule(
                        activity_type_id=activity_type.id,
                        summary=summary,
                        user_id=leader.id,
                        date_deadline=today,
                    )
                target.message_post(
                    body=summary,
                    partner_ids=lang_leaders.partner_id.ids,
                    subtype_xmlid="mail.mt_comment",
                    message_type="comment",
                )
            late |= target
        late.pacing_alert_date = today

    def _pacing_actuals(self):
        """``{target id: actual}`` of targets of one company, each over its own
        period: the cockpit's figures of their salespeople and teams
        (``sales_plus.cockpit._subject_figures``, which the cockpit's targets
        section reads too), for every distinct period of theirs at once, by
        salesperson and team only (one query per source, whatever the number
        of targets and periods), in superuser mode (every document counts)."""
        company = self.company_id
        company.ensure_one()
        periods = {target._pacing_bucket(): (target.date_from, target.date_to) for target in self}
        filters = {
            "company_id": company.id,
            "user_id": False,
            "team_id": False,
            "subjects": (self.user_id.ids, self.team_id.ids),
        }
        cockpit = (
            self.env["sales_plus.cockpit"]
            .sudo()
            .with_context(allowed_company_ids=company.ids, tz=self.env.user.tz or "UTC")
        )
        tune_transaction(self.env)
        figures = cockpit._subject_figures(filters, periods, detail=False)
        return {
            target.id: cockpit._subject_figure(
                figures,
                "user_id" if target.user_id else "team_id",
                (target.user_id or target.team_id).id,
                target._pacing_bucket(),
                target.metric,
            )
            for target in self
        }

    def _pacing_bucket(self):
        """The key of the target's period in :meth:`_pacing_actuals`."""
        self.ensure_one()
        return f"{self.date_from.isoformat()}/{self.date_to.isoformat()}"

    def _pacing_leaders(self):
        """Who hears that the target is behind pace: the leader of its team, or
        of each team of its company its salesperson is a member of (a
        salesperson's target counts in those teams), else the company's
        fallback responsible."""
        self.ensure_one()
        teams = self.team_id or self.user_id.sudo().crm_team_ids.filtered(
            lambda team: not team.company_id or team.company_id == self.company_id
        )
        return teams.user_id.filtered("active") or self.company_id._sales_plus_responsible(
            self.env["res.users"]
        )
