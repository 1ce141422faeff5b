# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain

from ..services import rfm

# (score, recency from, recency to, frequency from, frequency to, monetary from, monetary to)
DEFAULT_THRESHOLDS = [
    (5, 0, 30, 10, 0, 100000, 0),
    (4, 30, 90, 5, 10, 20000, 100000),
    (3, 90, 180, 3, 5, 5000, 20000),
    (2, 180, 365, 2, 3, 1000, 5000),
    (1, 365, 0, 1, 2, 0, 1000),
]

_logger = logging.getLogger(__name__)


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
        help="Confirmed orders of the last this many days are graded (1 to 3650).",
    )
    scoring_method = fields.Selection(
        selection=[("quantile", "Quintiles"), ("thresholds", "Fixed thresholds")],
        default="quantile",
        required=True,
        help="Quintiles: each score 1-5 holds a fifth of the graded customers of "
        "the company. Fixed thresholds: the ranges below.",
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
    last_run_date = fields.Datetime(string="Last Full Regrade", readonly=True)
    last_run_bounds = fields.Json(
        readonly=True,
        help="Score boundaries of the last full regrade, used to regrade one customer.",
    )
    last_run_graded = fields.Integer(string="Customers Graded", readonly=True)
    last_run_changed = fields.Integer(string="Grades Changed", readonly=True)
    regrade_state = fields.Selection(
        selection=[
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        string="Regrade Status",
        readonly=True,
        copy=False,
        help="State of the last regrade run in the background (Regrade Now or the nightly run).",
    )
    regrade_requested_by_id = fields.Many2one(
        comodel_name="res.users",
        readonly=True,
        copy=False,
        help="Who pressed Regrade Now; told when the regrade is done.",
    )
    regrade_requested_date = fields.Datetime(
        string="Regrade Requested On",
        readonly=True,
        copy=False,
        help="When the regrade was queued; the companies queued together share it.",
    )
    regrade_progress = fields.Char(
        compute="_compute_regrade_progress",
        help="Progress of the queued regrade this company belongs to.",
    )

    # ---- Compute methods ----

    @api.depends("regrade_state", "regrade_requested_date")
    def _compute_regrade_progress(self):
        pending = self.filtered(lambda c: c.regrade_state in ("queued", "running"))
        (self - pending).regrade_progress = False
        if not pending:
            return
        batches = dict.fromkeys(pending.mapped("regrade_requested_date"))
        for requested_date in batches:
            batch = self.sudo().search([("regrade_requested_date", "=", requested_date)])
            batches[requested_date] = (
                len(batch.filtered(lambda c: c.regrade_state in ("done", "failed"))),
                len(batch),
            )
        for config in pending:
            done, total = batches[config.regrade_requested_date]
            config.regrade_progress = self.env._(
                "Regrading: %(done)s of %(total)s companies", done=done, total=total
            )

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

    @api.constrains("threshold_ids")
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
        # the ranges are checked together, once all lines are written
        return super(SalesPlusRfmConfig, self.with_context(sales_plus_rfm_thresholds_pending=True)).create(
            vals_list
        )

    def write(self, vals):
        pending = self.with_context(sales_plus_rfm_thresholds_pending=True)
        return super(SalesPlusRfmConfig, pending).write(vals)

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
        """Queue a regrade of these companies' customers for the background
        job and wake it up; the requester is told when each company is done."""
        if not self.env.user.has_group("sales_plus.group_sales_plus_admin"):
            raise AccessError(self.env._("Only a Sales Plus Administrator can regrade all customers."))
        self.check_access("read")
        configs = self.sudo().filtered(lambda c: c.regrade_state not in ("queued", "running"))
        configs.write(
            {
                "regrade_state": "queued",
                "regrade_requested_by_id": self.env.uid,
                "regrade_requested_date": fields.Datetime.now(),
            }
        )
        if configs:
            self.env.ref("sales_plus.ir_cron_sales_plus_rfm_regrade").sudo()._trigger()
            message = self.env._(
                "Regrade of %(companies)s queued: it runs in the background and you will be "
                "notified when it is done.",
                companies=", ".join(configs.company_id.mapped("name")),
            )
        else:
            message = self.env._("A regrade of these companies is already queued or running.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Customer grading"),
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ---- Business methods ----

    @api.model
    def _get_for_company(self, company):
        config = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if not config:
            config = self.sudo().create({"company_id": company.id})
        return config.with_env(self.env)

    @api.model
    def _create_missing(self):
        configured = self.sudo().search([("company_id", "!=", False)]).company_id
        missing = self.env["res.company"].sudo().search([("id", "not in", configured.ids)])
        self.sudo().create([{"company_id": company.id} for company in missing])

    def _rfm_threshold_bounds(self):
        """The fixed thresholds as boundaries of scores 2-5 per dimension
        (see :mod:`..services.rfm`); raises ValidationError on a gap or an overlap."""
        self.ensure_one()
        labels = {
            "recency": self.env._("Recency"),
            "frequency": self.env._("Frequency"),
            "monetary": self.env._("Monetary"),
        }
        bounds = {}
        for dimension in rfm.DIMENSIONS:
            ranges = [
                rfm.ScoreRange(line.score, line[f"{dimension}_from"], line[f"{dimension}_to"])
                for line in self.threshold_ids
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

    @api.model
    def _cron_regrade(self):
        """Regrade the queued companies (Regrade Now) and, on the nightly run,
        every active company, one company per committed step of progress."""
        IrCron = self.env["ir.cron"]
        configs = self.sudo()._rfm_regrades_to_run()
        IrCron._commit_progress(remaining=len(configs))
        for config in configs:
            config.regrade_state = "running"
            IrCron._commit_progress()  # the settings page shows the company as running
            done = config._rfm_run_queued_regrade()
            if not IrCron._commit_progress(1 if done else 0):
                break  # out of time: the cron runs again for the rest

    @api.model
    def _rfm_regrades_to_run(self):
        """The configurations to regrade now: the queued ones, plus on the
        nightly run every active company not graded since the run was due;
        every active company when nothing is queued (run by hand)."""
        self._create_missing()
        active = [("company_id.active", "=", True)]
        pending = Domain.AND([active, [("regrade_state", "in", ("queued", "running"))]])
        cron = self.env["ir.cron"].sudo().browse(self.env.context.get("cron_id")).exists()
        to_queue = self.browse()
        if cron and cron.nextcall <= fields.Datetime.now():
            to_queue = self.search(
                Domain.AND(
                    [
                        active,
                        [("regrade_state", "not in", ("queued", "running"))],
                        Domain("last_run_date", "=", False) | Domain("last_run_date", "<", cron.nextcall),
                    ]
                )
            )
        elif not self.search_count(pending, limit=1):
            to_queue = self.search(active)
        to_queue.write(
            {
                "regrade_state": "queued",
                "regrade_requested_by_id": False,
                "regrade_requested_date": fields.Datetime.now(),
            }
        )
        return self.search(pending, order="company_id")

    def _rfm_run_queued_regrade(self):
        """Regrade this queued company, record the outcome, tell the requester.
        Returns False when another regrade of the company holds the lock (the
        company stays queued)."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                result = (
                    self.env["sales_plus.rfm.grade"]
                    .sudo()
                    ._regrade_company(self.company_id, raise_if_locked=False)
                )
        except Exception:
            _logger.exception("RFM regrade of company %s failed", self.company_id.id)
            self.regrade_state = "failed"
            self._rfm_notify_requester(None)
            return True
        if result["skipped"]:
            self.regrade_state = "queued"
            return False
        self.regrade_state = "done"
        self._rfm_notify_requester(result)
        return True

    def _rfm_notify_requester(self, result):
        """A notification in the web client of whoever pressed Regrade Now."""
        user = self.regrade_requested_by_id
        if not user or not user.active:
            return
        user_env = self.with_user(user).with_context(lang=user.lang).env
        if result is None:
            payload = {
                "type": "danger",
                "title": user_env._("Customer grading failed"),
                "message": user_env._(
                    "The regrade of %(company)s failed; the previous grades are kept. "
                    "See the server log for details.",
                    company=self.company_id.name,
                ),
                "sticky": True,
            }
        else:
            payload = {
                "type": "success",
                "title": user_env._("Customer grading done"),
                "message": user_env._(
                    "%(company)s: %(graded)s customers graded, %(changed)s grades changed, "
                    "%(removed)s removed, in %(seconds)s s.",
                    company=self.company_id.name,
                    graded=result["graded"],
                    changed=result["changed"],
                    removed=result["removed"],
                    seconds=round(result["seconds"], 2),
                ),
                "sticky": False,
            }
        user.sudo()._bus_send("simple_notification", payload)


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
        if self.env.context.get("sales_plus_rfm_thresholds_pending"):
            return  # the configuration checks all its lines once they are written
        for config in self.config_id:
            config._rfm_threshold_bounds()
