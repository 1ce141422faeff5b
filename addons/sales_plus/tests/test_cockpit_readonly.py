# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import api
from odoo.tests import HttpCase, get_db_name, tagged
from odoo.tools import mute_logger

from ..models.sales_plus_cockpit import SalesPlusCockpit
from ..tools.cockpit_metrics import METRICS
from .test_cockpit import MARCH, TODAY, CockpitCommon

READONLY_RPCS = ("get_cockpit_data", "get_drilldown_action", "action_export_xlsx", "action_print_pdf")


@tagged("post_install", "-at_install")
class TestCockpitReadonly(CockpitCommon, HttpCase):
    """Every cockpit, drill-down and report RPC only reads: it is marked
    ``@api.readonly``, so that the web client's call is served on a read-only
    cursor (from a read replica when Odoo runs with ``--db_replica_host``), and
    it runs on a read-only cursor, where any write fails."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager.password = "cockpit_manager_pw"

    def _figures(self):
        """Orders, invoices, a payment, a credit note and targets of March 2024."""
        order = self._order(self.seller_a, 1000.0, datetime(2024, 3, 5, 9))
        other = self._order(self.seller_b, 400.0, datetime(2024, 3, 6, 9), partner=self.customer_cn)
        invoice = self._invoice(order, date(2024, 3, 6), pay=date(2024, 3, 15))
        self._invoice(other, date(2024, 2, 1))  # overdue in March
        self._refund(invoice, 100.0, date(2024, 3, 18))
        self.env["sales_plus.target"].create(
            [
                {"user_id": self.seller_a.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 5000},
                {"team_id": self.team_2.id, "metric": "margin", "date_from": "2024-03-01", "amount": 900},
            ]
        )
        self.env.flush_all()

    def test_rpcs_are_marked_readonly(self):
        """The public methods of the cockpit are exactly the read-only RPCs, each
        marked as the web client's routes look it up."""
        public = {
            name for name, value in vars(SalesPlusCockpit).items() if callable(value) and name[0] != "_"
        }
        self.assertEqual(public, set(READONLY_RPCS))
        model_class = type(self.env["sales_plus.cockpit"])
        for name in READONLY_RPCS:
            marked = next(
                (
                    getattr(cls, name)._readonly
                    for cls in model_class.mro()
                    if hasattr(getattr(cls, name, None), "_readonly")
                ),
                False,
            )
            self.assertTrue(marked, name)

    @freeze_time(TODAY)
    def test_everything_runs_on_a_readonly_cursor(self):
        self._figures()
        drills = sorted({metric.drill for metric in METRICS} | {"refunds"})
        keys = [
            {},
            {"user_id": self.seller_a.id},
            {"rfm_segment": -1},
            {"country_id": self.env.ref("base.us").id},
        ]
        for user in (self.manager, self.leader, self.seller_a):
            with self.subTest(user=user.login), self.registry.cursor(readonly=True) as cr:
                # a read-only transaction, as on a read replica: a write would fail
                cr.execute("SHOW transaction_read_only")
                self.assertEqual((cr.readonly, cr.fetchone()[0]), (True, "on"))
                env = api.Environment(cr, user.id, {"allowed_company_ids": self.company.ids, "tz": "UTC"})
                cockpit = env["sales_plus.cockpit"]
                payload = cockpit.get_cockpit_data(MARCH)
                self.assertTrue(payload["kpis"]["current"]["revenue"])
                # each part as the page asks for it (the money one reads the summaries)
                self.assertEqual(
                    cockpit.get_cockpit_data(MARCH, part="money")["kpis"]["current"]["revenue"],
                    payload["kpis"]["current"]["revenue"],
                )
                self.assertEqual(
                    cockpit.get_cockpit_data(MARCH, part="customers")["kpis"]["current"]["customers"],
                    payload["kpis"]["current"]["customers"],
                )
                for kind in drills:
                    for key in keys:
                        action = cockpit.get_drilldown_action(MARCH, kind, key)
                        env[action["res_model"]].sudo().search_count(action["domain"])
                Report = env["ir.actions.report"]
                action = cockpit.action_export_xlsx(MARCH)
                content, report_type = Report._render(
                    action["report_name"], self.company.ids, data=action["data"]
                )
                self.assertEqual((report_type, content[:2]), ("xlsx", b"PK"))
                action = cockpit.action_print_pdf(MARCH)
                html = Report._render_qweb_html(action["report_name"], self.company.ids, data=action["data"])[
                    0
                ]
                self.assertIn(b"Sales Cockpit", html)

    def test_web_client_calls_are_served_readonly(self):
        """Through the web client's routes (RPC and report download), the
        methods run on a read-only cursor and never fall back to a read/write
        one (which Odoo logs as a warning when a read-only call writes)."""
        self._figures()
        cursors = []
        normalize = SalesPlusCockpit._normalize_filters

        def spy(cockpit, filters):
            cursors.append(cockpit.env.cr.readonly)
            return normalize(cockpit, filters)

        self.authenticate(self.manager.login, "cockpit_manager_pw")
        filters = dict(MARCH, company_id=self.company.id)
        with (
            patch.object(SalesPlusCockpit, "_normalize_filters", spy),
            self.assertNoLogs("odoo.http", "WARNING"),
        ):
            for method, args in (
                ("get_cockpit_data", [filters]),
                ("get_drilldown_action", [filters, "orders", {}]),
                ("get_drilldown_action", [filters, "payments", {}]),
                ("action_export_xlsx", [filters]),
                ("action_print_pdf", [filters]),
            ):
                result = self.make_jsonrpc_request(
                    f"/web/dataset/call_kw/sales_plus.cockpit/{method}",
                    {"model": "sales_plus.cockpit", "method": method, "args": args, "kwargs": {}},
                )
                self.assertTrue(result, method)
            options = json.dumps({"filters": filters})
            for converter, report in (("xlsx", "cockpit_xlsx"), ("html", "report_cockpit_summary")):
                response = self.url_open(
                    f"/report/{converter}/sales_plus.{report}/{self.company.id}?options={options}"
                )
                self.assertEqual(response.status_code, 200, converter)
        self.assertEqual(cursors, [True] * 7)

    def test_xmlrpc_endpoint(self):
        """An integrator's script reads the figures over XML-RPC as the web
        client does over JSON-RPC (no "cannot marshal None")."""
        self._figures()
        filters = dict(MARCH, company_id=self.company.id)
        payload = self.env["sales_plus.cockpit"].with_user(self.manager).get_cockpit_data(filters)

        def call(method, *args):
            return self.xmlrpc_object.execute_kw(
                get_db_name(), self.manager.id, "cockpit_manager_pw", "sales_plus.cockpit", method, list(args)
            )

        # (XML-RPC is deprecated in Odoo 19, which logs a warning per call)
        with mute_logger("odoo.addons.rpc.controllers.xmlrpc"):
            remote = call("get_cockpit_data", filters)
            self.assertEqual(remote["kpis"], payload["kpis"])
            self.assertEqual(
                [(row["name"], row["revenue"]) for row in remote["by_salesperson"]],
                [(row["name"], row["revenue"]) for row in payload["by_salesperson"]],
            )
            for metric in payload["metrics"]:
                action = call("get_drilldown_action", filters, metric["drill"], {})
                self.assertEqual(action["type"], "ir.actions.act_window", metric["key"])
            for method in ("action_export_xlsx", "action_print_pdf"):
                self.assertEqual(call(method, filters)["type"], "ir.actions.report", method)
