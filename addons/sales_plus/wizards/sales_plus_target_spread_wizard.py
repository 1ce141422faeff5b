# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..services import cockpit_pacing
from ..tools.cockpit_metrics import TARGET_METRIC_SELECTION

MONTHS = range(1, 13)


class SalesPlusTargetSpreadWizard(models.TransientModel):
    _name = "sales_plus.target.spread.wizard"
    _description = "Spread a Yearly Target over Months"
    _check_company_auto = True

    # ---- Fields ----

    target_id = fields.Many2one(
        comodel_name="sales_plus.target",
        string="Yearly Target",
        help="When set, this yearly target is archived and replaced by the monthly ones.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(comodel_name="res.users", string="Salesperson")
    team_id = fields.Many2one(comodel_name="crm.team", string="Sales Team", check_company=True)
    metric = fields.Selection(selection=TARGET_METRIC_SELECTION, required=True, default="revenue")
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)
    amount = fields.Monetary(string="Amount for the Year", required=True)
    mode = fields.Selection(
        selection=[("even", "Evenly"), ("weights", "By Monthly Weights")],
        required=True,
        default="even",
    )
    weight_01 = fields.Float(string="January (%)", default=100 / 12)
    weight_02 = fields.Float(string="February (%)", default=100 / 12)
    weight_03 = fields.Float(string="March (%)", default=100 / 12)
    weight_04 = fields.Float(string="April (%)", default=100 / 12)
    weight_05 = fields.Float(string="May (%)", default=100 / 12)
    weight_06 = fields.Float(string="June (%)", default=100 / 12)
    weight_07 = fields.Float(string="July (%)", default=100 / 12)
    weight_08 = fields.Float(string="August (%)", default=100 / 12)
    weight_09 = fields.Float(string="September (%)", default=100 / 12)
    weight_10 = fields.Float(string="October (%)", default=100 / 12)
    weight_11 = fields.Float(string="November (%)", default=100 / 12)
    weight_12 = fields.Float(string="December (%)", default=100 / 12)
    weight_total = fields.Float(string="Total (%)", compute="_compute_weight_total")

    # ---- Compute methods ----

    @api.depends(*(f"weight_{m:02d}" for m in MONTHS))
    def _compute_weight_total(self):
        for wizard in self:
            wizard.weight_total = sum(wizard._weights())

    def _weights(self):
        return [self[f"weight_{m:02d}"] for m in MONTHS]

    # ---- Onchange methods ----

    @api.onchange("target_id")
    def _onchange_target_id(self):
        target = self.target_id
        if target:
            self.update(
                {
                    "company_id": target.company_id.id,
                    "user_id": target.user_id.id,
                    "team_id": target.team_id.id,
                    "metric": target.metric,
                    "year": target.date_from.year,
                    "amount": target.amount,
                }
            )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        target = self.env["sales_plus.target"].browse(values.get("target_id"))
        if target:
            values.update(
                company_id=target.company_id.id,
                user_id=target.user_id.id,
                team_id=target.team_id.id,
                metric=target.metric,
                year=target.date_from.year,
                amount=target.amount,
            )
        return values

    # ---- Action methods ----

    def action_spread(self):
        self.ensure_one()
        if self.amount < 0:
            raise ValidationError(self.env._("The amount of a target cannot be negative."))
        if bool(self.user_id) == bool(self.team_id):
            raise ValidationError(self.env._("Choose either a salesperson or a sales team."))
        if not 1900 < self.year < 3000:
            raise ValidationError(self.env._("%(year)s is not a valid year.", year=self.year))
        weights = [100 / 12] * 12 if self.mode == "even" else self._weights()
        if self.mode == "weights":
            if any(w < 0 for w in weights):
                raise ValidationError(self.env._("A monthly weight cannot be negative."))
            if abs(sum(weights) - 100) > 0.01:
                raise ValidationError(
                    self.env._(
                        "The monthly weights add up to %(total)s%%, they must add up to 100%%.",
                        total=round(sum(weights), 2),
                    )
                )
            # absorb a rounding rest of at most 0.01 point in December
            weights[-1] += 100 - sum(weights)
        shares = cockpit_pacing.spread(self.amount, weights, self.currency_id.decimal_places)
        if self.target_id:
            if self.target_id.period_type != "year":
                raise UserError(self.env._("Only a yearly target can be spread over months."))
            self.target_id.active = False
        targets = self.env["sales_plus.target"].create(
            [
                {
                    "company_id": self.company_id.id,
                    "user_id": self.user_id.id,
                    "team_id": self.team_id.id,
                    "metric": self.metric,
                    "period_type": "month",
                    "date_from": date(self.year, month, 1),
                    "date_to": cockpit_pacing.period_bounds("month", date(self.year, month, 1))[1],
                    "amount": share,
                }
                for month, share in zip(MONTHS, shares, strict=True)
            ]
        )
        name = self.env._("Targets")
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "sales_plus.target",
            "view_mode": "list,form",
            "domain": [("id", "in", targets.ids)],
        }
