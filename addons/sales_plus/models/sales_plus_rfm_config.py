# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..services import rfm

# (score, recency from, recency to, frequency from, frequency to, monetary from, monetary to)
DEFAULT_THRESHOLDS = [
    (5, 0, 30, 10, 0, 100000, 0),
    (4, 30, 90, 5, 10, 20000, 100000),
    (3, 90, 180, 3, 5, 5000, 20000),
    (2, 180, 365, 2, 3, 1000, 5000),
    (1, 365, 0, 1, 2, 0, 1000),
]

# the grading settings, read in one query by a regrade
SETTINGS_FIELDS = [
    "company_id",
    "window_days",
    "scoring_method",
    "abc_a_percent",
    "abc_b_percent",
    "abc_c_percent",
    "net_credit_notes",
    "dormancy_factor",
    "dormancy_ceiling_days",
    "win_back_activity_cap",
]
# where a configuration saving its threshold lines is noted (see _rfm_thresholds_pending)
PENDING_KEY = "sales_plus_rfm_thresholds_pending"


class SalesPlusRfmConfig(models.Model):
    _name = "sales_plus.rfm.config"
    _description = "Customer Grading Settings"
    _rec_name = "company_id"

    _company_uniq = models.Constraint(
        "UNIQUE(company_id)",
        "Each company has one customer grading configuration.",
    )

    # ---- Fields ----

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    window_days = fields.Integer(
        string="Window (days)",
        default=365,
        required=True,
        help="The confirmed orders of today and the N - 1 days before it, in the company's timezone, "
        "are graded (N from 1 to 3650): an order placed exactly N days ago is outside the window.",
    )
    scoring_method = fields.Selection(
        selection=[("quantile", "Quintiles"), ("thresholds", "Fixed thresholds")],
        default="quantile",
        required=True,
        help="Quintiles: a customer scores 1 + 5 x (the customers with a strictly worse value) / (the "
        "customers scored), at most 5, so customers with equal values share the lowest score their "
        "positions span (one-time buyers all get F = 1); when many customers tie, a score holds more or "
        "fewer than a fifth of them. Fixed thresholds: the ranges below.",
    )
    threshold_ids = fields.One2many(
        comodel_name="sales_plus.rfm.threshold",
        inverse_name="config_id",
        string="Thresholds",
        copy=True,
    )
    abc_a_percent = fields.Float(string="A (% of revenue)", default=80.0, required=True)
    abc_b_percent = fields.Float(string="B (% of revenue)", default=15.0, required=True)
    abc_c_percent = fields.Float(string="C (% of revenue)", default=5.0, required=True)
    net_credit_notes = fields.Boolean(
        string="Net of Credit Notes",
        default=True,
        help="Subtract the customer's posted credit notes of the window from the monetary value.",
    )
    dormancy_factor = fields.Float(
        default=2.0,
        required=True,
        help="A customer is dormant when the days since their last order exceed "
        "this many times their own median gap between orders.",
    )
    dormancy_ceiling_days = fields.Integer(
        string="Dormant After (days at most)",
        default=365,
        help="A customer is also dormant after this many days without an order, "
        "whatever their rhythm (0: no ceiling).",
    )
    win_back_activity_cap = fields.Integer(
        string="Win-Back Activities per Grading",
        default=50,
        required=True,
        help="At most this many Win Back Customer activities per salesperson and grading, for the most "
        "valuable customers who became dormant; one notice with a link to the list sums up the others "
        "(0: only the notice). The first grading of a company, and the first one after the dormancy "
        "settings change, schedule no activity per customer: each salesperson gets the notice only.",
    )
    # the company's grading run, shown here (it owns the queue and the results)
    regrade_id = fields.Many2one(
        comodel_name="sales_plus.rfm.regrade",
        compute="_compute_regrade_id",
        search="_search_regrade_id",
    )
    regrade_state = fields.Selection(related="regrade_id.state")
    regrade_progress = fields.Char(related="regrade_id.progress")
    regrade_requested_by_id = fields.Many2one(related="regrade_id.requested_by_id")
    last_run_date = fields.Datetime(related="regrade_id.last_run_date")
    last_run_graded = fields.Integer(related="regrade_id.last_run_graded")
    last_run_changed = fields.Integer(related="regrade_id.last_run_changed")
    last_error = fields.Text(related="regrade_id.last_error")

    # ---- Compute methods ----

    @api.depends("company_id")
    def _compute_regrade_id(self):
        regrades = (
            self.env["sales_plus.rfm.regrade"].sudo().search([("company_id", "in", self.company_id.ids)])
        )
        by_company = {regrade.company_id: regrade for regrade in regrades}
        for config in self:
            config.regrade_id = by_company.get(config.company_id, regrades.browse())

    def _search_regrade_id(self, operator, value):
        regrades = self.env["sales_plus.rfm.regrade"].sudo().search([("id", operator, value)])
        return [("company_id", "in", regrades.company_id.ids)]

    # ---- Constraint methods ----

    @api.constrains("window_days")
    def _check_window_days(self):
        for config in self:
            if not 0 < config.window_days <= 3650:
                raise ValidationError(
                    self.env._(
                        "The grading window must be between 1 and 3650 days, not %(days)s.",
                        days=config.window_days,
                    )
                )

    @api.constrains("dormancy_factor", "dormancy_ceiling_days")
    def _check_dormancy(self):
        for config in self:
            if config.dormancy_factor <= 0:
                raise ValidationError(
                    self.env._(
                        "The dormancy factor must be above 0, not %(factor)s.", factor=config.dormancy_factor
                    )
                )
            if config.dormancy_ceiling_days < 0:
                raise ValidationError(
                    self.env._(
                        "The dormancy ceiling cannot be negative (%(days)s days).",
                        days=config.dormancy_ceiling_days,
                    )
                )

    @api.constrains("abc_a_percent", "abc_b_percent", "abc_c_percent")
    def _check_abc_percentages(self):
        for config in self:
            try:
                rfm.check_abc_percentages(config.abc_a_percent, config.abc_b_percent, config.abc_c_percent)
            except rfm.RfmInputError as error:
                if error.code == "abc_negative":
                    raise ValidationError(self.env._("ABC percentages cannot be negative.")) from error
                raise ValidationError(
                    self.env._(
                        "The A, B and C percentages must add up to 100, not %(total)s.",
                        total=round(error.params["total"], 2),
                    )
                ) from error

    @api.constrains("win_back_activity_cap")
    def _check_win_back_activity_cap(self):
        for config in self:
            if config.win_back_activity_cap < 0:
                raise ValidationError(
                    self.env._(
                        "The number of win-back activities per grading cannot be negative (%(count)s).",
                        count=config.win_back_activity_cap,
                    )
                )

    @api.constrains("threshold_ids", "scoring_method")
    def _check_thresholds(self):
        for config in self:
            config._rfm_threshold_bounds()

    # ---- CRUD methods ----

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "threshold_ids" not in vals:
                vals["threshold_ids"] = [
                    fields.Command.create(self._prepare_threshold_vals(row)) for row in DEFAULT_THRESHOLDS
                ]
        # the new lines are created in one batch, then checked together
        return super().create(vals_list)

    def write(self, vals):
        # the lines changed by this save are checked together once all are written
        with self._rfm_thresholds_pending():
            return super().write(vals)

    # ---- Action methods ----

    @api.model
    def action_open_company_config(self):
        """The grading settings of the current company (created on first use)."""
        config = self._get_for_company(self.env.company)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer Grading Settings"),
            "res_model": self._name,
            "res_id": config.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_regrade_now(self):
        """Regrade Now of these companies (see ``sales_plus.rfm.regrade``)."""
        self.check_access("read")
        return self.regrade_id.with_env(self.env).action_regrade_now()

    # ---- Business methods ----

    @api.model
    def _get_for_company(self, company):
        # the settings are read with the search: a regrade reads them once
        config = self.sudo().search_fetch([("company_id", "=", company.id)], SETTINGS_FIELDS, limit=1)
        if not config:
            config = self.sudo().create({"company_id": company.id})
        return config.with_env(self.env)

    @api.model
    def _create_missing(self):
        configured = self.sudo().search([("company_id", "!=", False)]).company_id
        missing = self.env["res.company"].sudo().search([("id", "not in", configured.ids)])
        self.sudo().create([{"company_id": company.id} for company in missing])

    def _rfm_dormancy_settings(self):
        """The settings deciding who is dormant: when they change, everybody
        may turn dormant at once (see ``win_back_activity_cap``)."""
        self.ensure_one()
        return {"factor": self.dormancy_factor, "ceiling_days": self.dormancy_ceiling_days}

    def _rfm_threshold_bounds(self, lines=None):
        """The fixed thresholds (``lines``, by default the configuration's) as
        boundaries of scores 2-5 per dimension (see :mod:`..services.rfm`);
        raises ValidationError on a missing score, a gap or an overlap."""
        self.ensure_one()
        lines = self.threshold_ids if lines is None else lines
        labels = {
            "recency": self.env._("Recency"),
            "frequency": self.env._("Frequency"),
            "monetary": self.env._("Monetary"),
        }
        bounds = {}
        for dimension in rfm.DIMENSIONS:
            ranges = [
                rfm.ScoreRange(line.score, line[f"{dimension}_from"], line[f"{dimension}_to"])
                for line in lines
            ]
            try:
                bounds[dimension] = rfm.thresholds_to_bounds(ranges, dimension)
            except rfm.RfmInputError as error:
                raise ValidationError(self._rfm_threshold_message(error, labels[dimension])) from error
        return bounds

    def _rfm_threshold_message(self, error, dimension):
        params = error.params
        if error.code == "gap":
            return self.env._(
                "%(dimension)s thresholds have a gap: score %(score)s ends at %(high)s but score "
                "%(next_score)s starts at %(low)s.",
                dimension=dimension,
                score=params["score"],
                high=params["high"],
                next_score=params["next_score"],
                low=params["low"],
            )
        if error.code == "overlap":
            return self.env._(
                "%(dimension)s thresholds overlap: score %(score)s ends at %(high)s but score "
                "%(next_score)s already starts at %(low)s.",
                dimension=dimension,
                score=params["score"],
                high=params["high"],
                next_score=params["next_score"],
                low=params["low"],
            )
        if error.code == "empty_range":
            return self.env._(
                "%(dimension)s thresholds: the range of score %(score)s must end above its start.",
                dimension=dimension,
                score=params["score"],
            )
        return self.env._(
            "%(dimension)s thresholds need exactly one range for each score from 1 to 5 (score %(score)s).",
            dimension=dimension,
            score=params["score"],
        )

    @contextmanager
    def _rfm_thresholds_pending(self):
        """While these configurations save their lines, the lines skip their
        own check: the configuration checks them all once written. Kept on the
        cursor, where a client cannot set it (unlike the context)."""
        pending = self.env.cr.cache.setdefault(PENDING_KEY, set())
        added = set(self.ids) - pending
        pending |= added
        try:
            yield
        finally:
            pending -= added

    def _rfm_thresholds_checked(self):
        """These configurations, but those saving their lines right now."""
        pending = self.env.cr.cache.get(PENDING_KEY, set())
        return self.filtered(lambda config: config.id not in pending)

    @api.model
    def _prepare_threshold_vals(self, row):
        score, r_from, r_to, f_from, f_to, m_from, m_to = row
        return {
            "score": score,
            "recency_from": r_from,
            "recency_to": r_to,
            "frequency_from": f_from,
            "frequency_to": f_to,
            "monetary_from": m_from,
            "monetary_to": m_to,
        }


class SalesPlusRfmThreshold(models.Model):
    _name = "sales_plus.rfm.threshold"
    _description = "Customer Grading Threshold"
    _order = "config_id, score desc"

    _score_uniq = models.Constraint(
        "UNIQUE(config_id, score)",
        "Each score has one line of thresholds.",
    )

    # ---- Fields ----

    config_id = fields.Many2one(
        comodel_name="sales_plus.rfm.config", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="config_id.company_id", store=True)
    currency_id = fields.Many2one(related="config_id.currency_id")
    score = fields.Integer(required=True)
    recency_from = fields.Integer(string="Recency from (days)")
    recency_to = fields.Integer(string="Recency to (days)")
    frequency_from = fields.Integer(string="Frequency from (orders)")
    frequency_to = fields.Integer(string="Frequency to (orders)")
    monetary_from = fields.Monetary(currency_field="currency_id")
    monetary_to = fields.Monetary(currency_field="currency_id")

    # ---- Constraint methods ----

    @api.constrains(
        "config_id",
        "score",
        "recency_from",
        "recency_to",
        "frequency_from",
        "frequency_to",
        "monetary_from",
        "monetary_to",
    )
    def _check_ranges(self):
        for line in self:
            if line.score not in rfm.SCORES:
                raise ValidationError(
                    self.env._("A threshold score must be between 1 and 5, not %(score)s.", score=line.score)
                )
        # a configuration saving its lines checks them all once they are written
        for config in self.config_id._rfm_thresholds_checked():
            config._rfm_threshold_bounds()

    # ---- CRUD methods ----

    def write(self, vals):
        # a line moved to another configuration leaves its old one short
        moved_from = self.config_id if "config_id" in vals else self.config_id.browse()
        result = super().write(vals)
        for config in moved_from._rfm_thresholds_checked():
            config._rfm_threshold_bounds()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_needed(self):
        """Each configuration keeps one range per score: a line can only be
        replaced in the same save of its configuration (checked there)."""
        for config in self.config_id._rfm_thresholds_checked():
            config._rfm_threshold_bounds(config.threshold_ids - self)
