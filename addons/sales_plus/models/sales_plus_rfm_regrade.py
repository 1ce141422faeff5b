# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import time
from datetime import timedelta

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import LOCK_RFM_REGRADE, try_lock

_logger = logging.getLogger(__name__)

# what a run reads of its last one, fetched with the search
RUN_FIELDS = ["company_id", "state", "last_run_date", "last_run_bounds", "last_run_settings"]
# a company's job that finds another regrade of the company running tries again after this
RETRY_LOCKED = timedelta(minutes=1)


class SalesPlusRfmRegrade(models.Model):
    """The customer grading of one company as a job: its queue state, its
    scheduled action (one per company, so that the cron workers of several
    Odoo servers share a night's companies) and the results of its last full
    run. The grading settings are read from ``sales_plus.rfm.config``; the
    grades are computed and written by ``sales_plus.rfm.grade``."""

    _name = "sales_plus.rfm.regrade"
    _description = "Customer Grading Run"
    _rec_name = "company_id"
    _order = "company_id"

    _company_uniq = models.Constraint(
        "UNIQUE(company_id)",
        "Each company has one customer grading run.",
    )

    # ---- Fields ----

    company_id = fields.Many2one(comodel_name="res.company", required=True, readonly=True, ondelete="cascade")
    cron_id = fields.Many2one(
        comodel_name="ir.cron",
        string="Scheduled Action",
        readonly=True,
        ondelete="set null",
        help="The job that regrades this company when the nightly run or Regrade Now queues it.",
    )
    state = fields.Selection(
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
    requested_by_id = fields.Many2one(
        comodel_name="res.users",
        readonly=True,
        copy=False,
        help="Who pressed Regrade Now; told when the regrade is done.",
    )
    requested_date = fields.Datetime(
        string="Regrade Requested On",
        readonly=True,
        copy=False,
        help="When the regrade was queued; the companies queued together share it.",
    )
    progress = fields.Char(
        compute="_compute_progress",
        help="Progress of the queued regrade this company belongs to.",
    )
    last_run_date = fields.Datetime(string="Last Full Regrade", readonly=True)
    last_run_bounds = fields.Json(
        readonly=True,
        help="Score boundaries of the last full regrade, used to regrade one customer.",
    )
    last_run_settings = fields.Json(
        readonly=True,
        help="The dormancy settings of the last full regrade: the first regrade after they change "
        "schedules no win-back activity per customer.",
    )
    last_run_graded = fields.Integer(string="Customers Graded", readonly=True)
    last_run_changed = fields.Integer(string="Grades Changed", readonly=True)
    last_error = fields.Text(readonly=True, help="Why the last regrade failed.")

    # ---- Compute methods ----

    @api.depends("state", "requested_date")
    def _compute_progress(self):
        pending = self.filtered(lambda r: r.state in ("queued", "running"))
        (self - pending).progress = False
        if not pending:
            return
        batches = dict.fromkeys(pending.mapped("requested_date"))
        for requested_date in batches:
            batch = self.sudo().search([("requested_date", "=", requested_date)])
            batches[requested_date] = (
                len(batch.filtered(lambda r: r.state in ("done", "failed"))),
                len(batch),
            )
        for regrade in pending:
            done, total = batches[regrade.requested_date]
            regrade.progress = self.env._(
                "Regrading: %(done)s of %(total)s companies", done=done, total=total
            )

    # ---- CRUD methods ----

    @api.model_create_multi
    def create(self, vals_list):
        regrades = super().create(vals_list)
        regrades._ensure_cron()
        return regrades

    # ---- Action methods ----

    def action_regrade_now(self):
        """Queue a regrade of these companies' customers and wake their jobs
        up; the requester is told when each company is done."""
        if not self.env.user.has_group("sales_plus.group_sales_plus_admin"):
            raise AccessError(self.env._("Only a Sales Plus Administrator can regrade all customers."))
        self.check_access("read")
        regrades = self.sudo().filtered(lambda r: r.state not in ("queued", "running"))
        regrades._queue(self.env.user)
        if regrades:
            message = self.env._(
                "Regrade of %(companies)s queued: it runs in the background and you will be "
                "notified when it is done.",
                companies=", ".join(regrades.company_id.mapped("name")),
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

    # ---- Business methods: the queue ----

    @api.model
    def _get_for_company(self, company):
        """The company's run (created with its job on first use), as superuser."""
        regrade = self.sudo().search_fetch([("company_id", "=", company.id)], RUN_FIELDS, limit=1)
        return regrade or self.sudo().create({"company_id": company.id})

    @api.model
    def _create_missing(self):
        """Grading settings, a run and its job for each company (at
        installation, and each night for the jobs deleted by hand)."""
        self.env["sales_plus.rfm.config"]._create_missing()
        regrades = self.sudo().search([("company_id", "!=", False)])
        missing = self.env["res.company"].sudo().search([("id", "not in", regrades.company_id.ids)])
        regrades._ensure_cron()
        return regrades | self.sudo().create([{"company_id": company.id} for company in missing])

    def _ensure_cron(self):
        """A job of its own for each of these companies: one job per company
        lets several cron workers (of one or several Odoo servers) regrade
        different companies at once, and Odoo never runs one job twice at once."""
        missing = self.filtered(lambda r: not r.cron_id)
        if not missing:
            return
        model_id = self.env["ir.model"]._get_id(self._name)
        crons = (
            self.env["ir.cron"]
            .sudo()
            .create([regrade._prepare_cron_vals(model_id) for regrade in missing.with_context(lang="en_US")])
        )
        for regrade, cron in zip(missing, crons, strict=True):
            regrade.cron_id = cron

    def _queue(self, user=None):
        """Queue these companies, ``user`` asking, and wake their jobs up."""
        self.write(
            {
                "state": "queued",
                "requested_by_id": user.id if user else False,
                "requested_date": fields.Datetime.now(),
            }
        )
        self._ensure_cron()
        for regrade in self:
            regrade.cron_id._trigger()

    @api.model
    def _cron_queue_all(self):
        """The nightly run: queue every active company and wake its job up;
        each company is then regraded by its own job."""
        regrades = self._create_missing().filtered(lambda r: r.company_id.active)
        idle = regrades.filtered(lambda r: r.state not in ("queued", "running"))
        idle._queue()
        _logger.info("RFM regrade queued for %s companies", len(idle))

    @api.model
    def _cron_regrade(self, company_id):
        """The job of company ``company_id``: regrade it when it is queued
        (or was left running by a worker that stopped), committing its state
        first so the settings show it running."""
        IrCron = self.env["ir.cron"]
        regrade = self.search([("company_id", "=", company_id)])
        if not regrade:
            IrCron._commit_progress(deactivate=True)  # the company is gone
            return
        if regrade.state not in ("queued", "running") or not regrade.company_id.active:
            return
        IrCron._commit_progress(remaining=1)
        regrade.state = "running"
        IrCron._commit_progress()
        result = regrade._run_job()
        IrCron._commit_progress(0 if result and result["skipped"] else 1, remaining=0)

    # ---- Business methods: the run ----

    @api.model
    def _regrade_company(self, company, raise_if_locked=True):
        """Grade every customer of ``company`` in a few set-based statements.

        Returns ``{"graded", "changed", "removed", "dormant", "activities",
        "seconds", "skipped"}``. Runs as superuser: callers check the user's
        right to regrade.
        """
        return self._get_for_company(company)._run(raise_if_locked=raise_if_locked)

    @api.model
    def _regrade_partners(self, partners, company):
        """Regrade ``partners`` (their commercial partners) in ``company``
        against the score boundaries of the company's last full regrade."""
        regrade = self._get_for_company(company)
        regrade._lock()
        if not regrade.last_run_bounds:
            raise UserError(
                self.env._(
                    "%(company)s has not been fully graded yet: run Regrade Now in the customer "
                    "grading settings first.",
                    company=company.name,
                )
            )
        config = self.env["sales_plus.rfm.config"].sudo()._get_for_company(company)
        return (
            self.env["sales_plus.rfm.grade"]
            .sudo()
            ._rfm_run(
                company,
                config,
                scores=("bounds", regrade.last_run_bounds),
                partner_ids=partners.commercial_partner_id.ids,
                win_back_cap=config.win_back_activity_cap,
            )
        )

    def _lock(self, raise_if_locked=True):
        """Take the company's regrade lock for this transaction: two regrades
        of one company never run at once, on one Odoo server or several.
        Returns False (or raises) when another transaction holds it."""
        self.ensure_one()
        if try_lock(self.env, LOCK_RFM_REGRADE, self.company_id.id):
            return True
        if raise_if_locked:
            raise UserError(
                self.env._(
                    "A regrade of %(company)s is already running; try again in a moment.",
                    company=self.company_id.name,
                )
            )
        return False

    def _run(self, raise_if_locked=True):
        """Regrade this company: read its settings once, grade, keep the
        results of the run. See :meth:`_regrade_company`."""
        self.ensure_one()
        start = time.perf_counter()
        company = self.company_id
        if not self._lock(raise_if_locked):
            _logger.info("RFM regrade of company %s skipped: another regrade is running", company.id)
            return {"graded": 0, "changed": 0, "removed": 0, "seconds": 0.0, "skipped": True}
        config = self.env["sales_plus.rfm.config"].sudo()._get_for_company(company)
        if config.scoring_method == "thresholds":
            scores = ("bounds", config._rfm_threshold_bounds())
        else:
            scores = ("ntile", None)
        # a first grading, or the first after the dormancy settings changed,
        # may find everybody dormant: one notice per responsible, no activities
        settings = config._rfm_dormancy_settings()
        first = not self.last_run_date or self.last_run_settings != settings
        result = (
            self.env["sales_plus.rfm.grade"]
            .sudo()
            ._rfm_run(
                company, config, scores=scores, win_back_cap=None if first else config.win_back_activity_cap
            )
        )
        self.write(
            {
                "last_run_date": fields.Datetime.now(),
                "last_run_bounds": result["bounds"],
                "last_run_settings": settings,
                "last_run_graded": result["graded"],
                "last_run_changed": result["changed"],
            }
        )
        result["seconds"] = time.perf_counter() - start
        result["skipped"] = False
        _logger.info(
            "RFM regrade of company %s: %s graded, %s changed, %s removed, %s activities in %.2fs",
            company.id,
            result["graded"],
            result["changed"],
            result["removed"],
            result["activities"],
            result["seconds"],
        )
        return result

    def _run_job(self):
        """Regrade this queued company for its job, record the outcome, tell
        the requester, and the grading administrators when it fails. Returns
        the result (``skipped`` when another regrade holds the company: it
        stays queued and its job runs again shortly), None when it failed."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                result = self._run(raise_if_locked=False)
        except Exception as error:
            _logger.exception("RFM regrade of company %s failed", self.company_id.id)
            self.write({"state": "failed", "last_error": str(error)})
            self._notify_requester(None)
            self._notify_failure(str(error))
            return None
        if result["skipped"]:
            self.state = "queued"
            self.cron_id._trigger(fields.Datetime.now() + RETRY_LOCKED)
            return result
        self.write({"state": "done", "last_error": False})
        self._notify_requester(result)
        return result

    # ---- Business methods: notices ----

    def _notify_requester(self, result):
        """A notification in the web client of whoever pressed Regrade Now."""
        user = self.requested_by_id
        if not user or not user.active:
            return
        user_env = self.with_user(user).with_context(lang=user.lang).env
        if result is None:
            payload = {
                "type": "danger",
                "title": user_env._("Customer grading failed"),
                "message": user_env._(
                    "The regrade of %(company)s failed; the previous grades are kept. "
                    "The grading administrators were told why.",
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

    def _notify_failure(self, error):
        """A message in the inbox of the company's grading administrators
        (Sales Plus Administrators of the company), with the error."""
        company = self.company_id
        admins = (
            self.env.ref("sales_plus.group_sales_plus_admin")
            .sudo()
            .all_user_ids.filtered(lambda u: u.active and not u.share and company in u.company_ids)
        )
        action = self.env.ref("sales_plus.sales_plus_rfm_config_action")
        for lang, users in admins.grouped("lang").items():
            user_env = self.with_context(lang=lang).env
            body = Markup("<p>%s</p><pre>%s</pre><p><a href='/odoo/action-%s'>%s</a></p>") % (
                user_env._(
                    "The customer grading of %(company)s failed; the previous grades are kept. The error:",
                    company=company.name,
                ),
                error,
                action.id,
                user_env._("Customer grading settings"),
            )
            self.env["mail.thread"].sudo().message_notify(
                partner_ids=users.partner_id.ids,
                subject=user_env._("Customer grading of %(company)s failed", company=company.name),
                body=body,
                subtype_xmlid="mail.mt_note",
            )

    # ---- Prepare methods ----

    def _prepare_cron_vals(self, model_id):
        self.ensure_one()
        return {
            "name": self.env._(
                "Sales Plus: regrade customers (RFM) of %(company)s", company=self.company_id.name
            ),
            "model_id": model_id,
            "state": "code",
            "code": f"model._cron_regrade({int(self.company_id.id)})",
            # triggered when queued; the daily run catches a job left running
            "interval_number": 1,
            "interval_type": "days",
            "nextcall": fields.Datetime.now() + timedelta(days=1),
            "user_id": SUPERUSER_ID,
        }
