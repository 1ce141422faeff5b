# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError

from .. import demo

# the scan job of a company is recorded under this XML id (+ company id), so that
# uninstalling sales_plus removes it
STOCK_ALERT_SCAN_JOB_XMLID = "sales_plus.ir_cron_stock_alert_scan_company_%s"


class ResCompany(models.Model):
    _inherit = "res.company"

    # ---- Fields ----

    sales_plus_fallback_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Sales Plus Fallback Responsible",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Receives the Sales Plus activities and notices of customers and "
        "documents that have no salesperson or responsible.",
    )
    sales_plus_stock_alert_block_confirm = fields.Boolean(
        string="Block Short Confirmations",
        help="Refuse to confirm an order that asks to deliver all products at once "
        "when a line is short of stock.",
    )
    sales_plus_stock_alert_demand_days = fields.Integer(
        string="Demand Period (Days)",
        default=30,
        help="Days of past deliveries used to estimate the average daily demand of "
        "products without a reordering rule.",
    )
    sales_plus_stock_alert_lead_days = fields.Integer(
        string="Default Replenishment Lead Time (Days)",
        default=7,
        help="Lead time used for the safety stock of products without a vendor delay.",
    )
    sales_plus_stock_alert_safety_factor = fields.Float(
        string="Safety Stock Factor",
        default=1.5,
        help="Safety stock = average daily demand x lead time x this factor, for "
        "products without a reordering rule.",
    )
    sales_plus_stock_alert_group_id = fields.Many2one(
        comodel_name="res.groups",
        string="Replenishment Alert Group",
        help="Users of this group in the company receive the below-safety-stock alerts of "
        "products that have neither a vendor buyer nor a responsible: the first active user "
        "gets the activity, the others follow the alert.",
    )
    sales_plus_stock_alert_expiry_days = fields.Integer(
        string="Quotation Expiry Warning (Days)",
        default=3,
        help="Warn the salesperson this many days before a quotation whose stock is available expires.",
    )
    sales_plus_stock_alert_activity_limit = fields.Integer(
        string="Stock Alert Activities per Person",
        default=50,
        help="At most this many open stock alert activities per person in this company. Further "
        "alerts wait in the Stock Alerts list and get their activity, the most severe first, "
        "as earlier ones are done or resolved. 0: stock alerts get no activity.",
    )
    sales_plus_pacing_elapsed_pct = fields.Float(
        string="Pacing Alert after (% of period)",
        default=50.0,
        help="The pacing alert looks at a target once this share of its working days is gone.",
    )
    sales_plus_pacing_completion_pct = fields.Float(
        string="Pacing Alert below (% of target)",
        default=40.0,
        help="A target is behind pace when less than this share of it is done.",
    )

    # ---- Business methods ----

    def _sales_plus_responsible(self, user):
        """Return ``user`` when set and active, else the company's fallback."""
        self.ensure_one()
        if user and user.active:
            return user
        return self.sales_plus_fallback_user_id

    # ---- Constraint methods ----

    @api.constrains(
        "sales_plus_stock_alert_demand_days",
        "sales_plus_stock_alert_lead_days",
        "sales_plus_stock_alert_safety_factor",
        "sales_plus_stock_alert_expiry_days",
        "sales_plus_stock_alert_activity_limit",
    )
    def _check_sales_plus_stock_alert_settings(self):
        for company in self:
            if company.sales_plus_stock_alert_demand_days <= 0:
                raise ValidationError(
                    self.env._(
                        "The demand period of %(company)s must be at least one day.",
                        company=company.display_name,
                    )
                )
            if (
                company.sales_plus_stock_alert_lead_days < 0
                or company.sales_plus_stock_alert_safety_factor < 0
                or company.sales_plus_stock_alert_expiry_days < 0
                or company.sales_plus_stock_alert_activity_limit < 0
            ):
                raise ValidationError(
                    self.env._(
                        "The lead time, safety factor, expiry warning and activities per person of "
                        "%(company)s cannot be negative.",
                        company=company.display_name,
                    )
                )

    # ---- Business methods: stock alerts ----

    def _stock_alert_scan_job(self):
        """The scheduled action scanning the stock alerts of each company of
        ``self``, created when missing: one per company, so that the cron
        workers of several Odoo servers take different companies at once (a
        scheduled action runs on one worker at a time). They run when the
        *Sales Plus: scan stock alerts* schedule triggers them, and once a day
        by themselves."""
        jobs = self.env["ir.cron"]
        missing = self.env["res.company"]
        for company in self:
            job = self.env.ref(STOCK_ALERT_SCAN_JOB_XMLID % company.id, raise_if_not_found=False)
            if job:
                jobs |= job
            else:
                missing |= company
        if missing:
            model_id = self.env["ir.model"]._get_id("sales_plus.stock.alert")
            created = (
                self.env["ir.cron"]
                .sudo()
                .create([company._stock_alert_prepare_scan_job_vals(model_id) for company in missing])
            )
            self.env["ir.model.data"]._update_xmlids(
                [
                    {"xml_id": STOCK_ALERT_SCAN_JOB_XMLID % company.id, "record": job, "noupdate": True}
                    for company, job in zip(missing, created, strict=True)
                ]
            )
            jobs |= created
        return jobs

    def _stock_alert_prepare_scan_job_vals(self, model_id):
        self.ensure_one()
        return {
            "name": self.with_context(lang="en_US").env._(
                "Sales Plus: scan stock alerts of %(company)s", company=self.name
            ),
            "model_id": model_id,
            "state": "code",
            "code": f"model._cron_stock_alert_scan_company({int(self.id)})",
            # triggered by the 15-minute schedule; once a day by itself
            "interval_number": 1,
            "interval_type": "days",
            "nextcall": fields.Datetime.now() + timedelta(days=1),
            "priority": 20,
            "user_id": SUPERUSER_ID,
        }

    # ---- Business methods: customer grading ----

    def _sales_plus_rfm_tz(self):
        """The company's timezone (its partner's), in which order dates are days."""
        self.ensure_one()
        return self.partner_id.tz or "UTC"

    def _sales_plus_rfm_today(self):
        self.ensure_one()
        return fields.Datetime.context_timestamp(
            self.with_context(tz=self._sales_plus_rfm_tz()), fields.Datetime.now()
        ).date()

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # customer grading: the company's settings, and its run with its job
        self.env["sales_plus.rfm.config"].sudo().create([{"company_id": company.id} for company in companies])
        self.env["sales_plus.rfm.regrade"].sudo().create(
            [{"company_id": company.id} for company in companies]
        )
        return companies

    # ---- Business methods: demo data ----

    @api.model
    def _sales_plus_generate_demo(self, step):
        """Run a demo data generator of ``sales_plus/demo`` (called from the demo
        XML files only; the generators are plain functions, not models)."""
        demo.generate(self.env, step)
