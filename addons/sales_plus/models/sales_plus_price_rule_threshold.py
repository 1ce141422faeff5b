# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

LEVELS = [(1, "1"), (2, "2"), (3, "3")]


class SalesPlusPriceRuleThreshold(models.Model):
    _name = "sales_plus.price.rule.threshold"
    _description = "Sales Plus Price Rule Threshold"
    _order = "rule_id, kind, deviation_from, margin_floor desc, id"

    # ---- Fields ----

    rule_id = fields.Many2one(
        comodel_name="sales_plus.price.rule",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="rule_id.company_id", store=True, index=True)
    kind = fields.Selection(
        selection=[
            ("deviation", "Deviation band"),
            ("margin", "Margin floor"),
        ],
        required=True,
        default="deviation",
        help="Deviation band: lines priced more than 'From' and at most 'To' percent under "
        "their reference price. Margin floor: lines whose margin is under the floor.",
    )
    deviation_from = fields.Float(string="From (%)", digits=(16, 2))
    deviation_to = fields.Float(string="To (%)", digits=(16, 2), default=100.0)
    margin_floor = fields.Float(string="Margin Floor (%)", digits=(16, 2))
    level = fields.Integer(
        required=True,
        default=1,
        help="Approval level the threshold requires: 1 team leader, 2 sales manager, 3 general manager.",
    )

    @api.depends("kind", "deviation_from", "deviation_to", "margin_floor", "level")
    def _compute_display_name(self):
        for threshold in self:
            if threshold.kind == "margin":
                threshold.display_name = self.env._(
                    "margin < %(floor)s%% → level %(level)s",
                    floor=threshold.margin_floor,
                    level=threshold.level,
                )
            else:
                threshold.display_name = self.env._(
                    "%(start)s%%-%(stop)s%% → level %(level)s",
                    start=threshold.deviation_from,
                    stop=threshold.deviation_to,
                    level=threshold.level,
                )

    # ---- Constraint methods ----

    @api.constrains("level")
    def _check_level(self):
        for threshold in self:
            if threshold.level not in (1, 2, 3):
                raise ValidationError(
                    self.env._(
                        "The approval level must be 1, 2 or 3 (not %(level)s).",
                        level=threshold.level,
                    )
                )

    @api.constrains("kind", "deviation_from", "deviation_to", "margin_floor")
    def _check_threshold_range(self):
        for threshold in self:
            if threshold.kind == "deviation":
                start, stop = threshold.deviation_from, threshold.deviation_to
                if (
                    float_compare(start, 0.0, precision_digits=4) < 0
                    or float_compare(stop, 0.0, precision_digits=4) < 0
                ):
                    raise ValidationError(
                        self.env._(
                            "A deviation band cannot be negative (%(band)s).", band=threshold.display_name
                        )
                    )
                if float_compare(stop, 100.0, precision_digits=4) > 0:
                    raise ValidationError(
                        self.env._(
                            "A deviation band cannot go beyond 100%% (%(band)s).",
                            band=threshold.display_name,
                        )
                    )
                if float_compare(start, stop, precision_digits=4) >= 0:
                    raise ValidationError(
                        self.env._(
                            "A deviation band must start below its end (%(band)s).",
                            band=threshold.display_name,
                        )
                    )
            elif not -100.0 <= threshold.margin_floor <= 100.0:
                raise ValidationError(
                    self.env._(
                        "A margin floor must lie between -100%% and 100%% (%(band)s).",
                        band=threshold.display_name,
                    )
                )

    # ---- Business methods ----

    def _fires(self, deviation, margin):
        """Whether the threshold applies to a line ``deviation`` % under its
        reference price with a ``margin`` % margin (bands are (from, to])."""
        self.ensure_one()
        if self.kind == "margin":
            return float_compare(margin, self.margin_floor, precision_digits=4) < 0
        return (
            float_compare(deviation, self.deviation_from, precision_digits=4) > 0
            and float_compare(deviation, self.deviation_to, precision_digits=4) <= 0
        )
