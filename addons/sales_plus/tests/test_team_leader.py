# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A Team Leader reads in Sales and Invoicing exactly the documents their
cockpit counts: their own and those of the teams they lead or belong to (the
team written on the document), through record rules that follow the teams'
changes at once."""

import importlib.util
import io
import xmlrpc.client
from datetime import date, datetime
from pathlib import Path

from freezegun import freeze_time

from odoo.addons.rpc.controllers.xmlrpc import RPC_FAULT_CODE_ACCESS_ERROR
from odoo.exceptions import AccessError
from odoo.fields import Command, Domain
from odoo.tests import HttpCase, get_db_name, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .test_cockpit import MARCH, TODAY
from .test_cockpit_figures import ADDITIVE, RATIOS, CockpitFiguresCommon

MIGRATION = Path(__file__).resolve().parents[1] / "migrations/19.0.1.0.2/post-team_leader_rights.py"
MARCH_ORDERS = [
    ("state", "=", "sale"),
    ("date_order", ">=", "2024-03-01 00:00:00"),
    ("date_order", "<", "2024-04-01 00:00:00"),
]
MARCH_MOVES = [
    ("state", "=", "posted"),
    ("move_type", "in", ("out_invoice", "out_refund")),
    ("invoice_date", ">=", "2024-03-01"),
    ("invoice_date", "<=", "2024-03-31"),
]


@tagged("post_install", "-at_install")
class TestTeamLeader(CockpitFiguresCommon, HttpCase):
    """Team 1 is led by ``leader`` (also a member), ``seller_a`` is a member of
    it; ``seller_b`` is a member of team 2. Each test runs as the low-rights
    user it is about."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader.password = "cockpit_leader_pw"
        cls.nobody = cls.env["res.users"]
        # a salesperson's target belongs to the teams they are a member of
        cls.target_a = cls.env["sales_plus.target"].create(
            {"user_id": cls.seller_a.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 1000.0}
        )

    def _as(self, user, model):
        return self.env[model].with_user(user).with_context(allowed_company_ids=self.company.ids)

    def _scenario(self):
        """Orders, invoices and credit notes of March 2024 in both teams."""
        o1 = self._order(self.seller_a, 1000.0, datetime(2024, 3, 4, 9), team=self.team_1)
        o2 = self._order(self.leader, 300.0, datetime(2024, 3, 5, 9), team=self.team_1)
        # a team's order nobody sells (e.g. from the web shop)
        o3 = self._order(self.nobody, 250.0, datetime(2024, 3, 6, 9), team=self.team_1)
        # the member's order in another team is that team's
        other_a = self._order(self.seller_a, 150.0, datetime(2024, 3, 7, 9), team=self.team_2)
        other_b = self._order(self.seller_b, 400.0, datetime(2024, 3, 8, 9), team=self.team_2)
        i1 = self._invoice(o1, date(2024, 3, 10), pay=date(2024, 3, 12))
        i_b = self._invoice(other_b, date(2024, 3, 11))
        self._refund(i1, 100.0, date(2024, 3, 18))
        self._credit_note(self.nobody, self.team_1, 30.0, date(2024, 3, 19))
        self.env.flush_all()
        return {"team_1": o1 | o2 | o3, "team_2": other_a | other_b, "invoice_b": i_b}

    # ---- Sales and Invoicing read what the cockpit counts ----

    @freeze_time(TODAY)
    def test_leader_reads_what_the_cockpit_counts(self):
        documents = self._scenario()
        current = self._data(self.leader)["kpis"]["current"]
        orders = self._as(self.leader, "sale.order").search(MARCH_ORDERS)
        self.assertEqual(orders, documents["team_1"], "Sales ▸ Orders: the team's orders, not team 2's")
        self.assertEqual(len(orders), current["orders"])
        self.assertAlmostEqual(sum(orders.mapped("amount_untaxed")), current["order_value"])
        moves = self._as(self.leader, "account.move").search(MARCH_MOVES)
        self.assertTrue(moves)
        self.assertAlmostEqual(sum(moves.mapped("amount_untaxed_signed")), current["invoiced"])
        refunds = moves.filtered(lambda move: move.move_type == "out_refund")
        self.assertAlmostEqual(-sum(refunds.mapped("amount_untaxed_signed")), current["refunded"])
        self.assertFalse(moves & documents["invoice_b"])
        # the lines and the analysis reports follow their documents
        lines = self._as(self.leader, "sale.order.line").search([("order_id", "in", documents["team_2"].ids)])
        self.assertFalse(lines)
        self.assertEqual(
            self._as(self.leader, "sale.order.line").search([("order_id", "in", orders.ids)]),
            orders.order_line,
        )
        self.assertFalse(
            self._as(self.leader, "account.move.line").search([("move_id", "=", documents["invoice_b"].id)])
        )
        Report = self._as(self.leader, "sale.report")
        self.assertTrue(Report.search_count([("team_id", "=", self.team_1.id)]))
        self.assertFalse(Report.search_count([("team_id", "=", self.team_2.id)]))
        # the cockpit's drill-down opens the same orders
        action = self._as(self.leader, "sales_plus.cockpit").get_drilldown_action(
            {"company_id": self.company.id, **MARCH}, "orders", {}
        )
        self.assertEqual(self._as(self.leader, "sale.order").search(action["domain"]), orders)
        # the XLSX lists the same salespeople, never team 2's
        data = self._data(self.leader)
        action = self._as(self.leader, "sales_plus.cockpit").action_export_xlsx(MARCH)
        content, __ = (
            self.env["ir.actions.report"]
            .with_user(self.leader)
            ._render(action["report_name"], self.company.ids, data=action["data"])
        )
        import openpyxl  # noqa: PLC0415

        book = openpyxl.load_workbook(io.BytesIO(content))
        cells = {
            cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
        }
        self.assertTrue({row["name"] for row in data["by_salesperson"]} <= cells)
        self.assertNotIn(self.seller_b.name, cells)
        # the pacing alerts read the team's figures of the leader's cockpit
        target = self.env["sales_plus.target"].create(
            {"team_id": self.team_1.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 5000.0}
        )
        self.assertAlmostEqual(
            target._pacing_actuals()[target.id], self._rows(data, "by_team")[self.team_1.id]["revenue"]
        )

    @freeze_time(TODAY)
    def test_unassigned_order_outside_the_teams(self):
        """Odoo's rule shows every salesperson the orders without salesperson;
        the cockpit counts those of the leader's teams only."""
        documents = self._scenario()
        loose = self._order(self.nobody, 80.0, datetime(2024, 3, 9, 9), team=self.env["crm.team"])
        self.assertEqual(
            self._as(self.leader, "sale.order").search(MARCH_ORDERS), documents["team_1"] | loose
        )
        self.assertEqual(self._data(self.leader)["kpis"]["current"]["orders"], len(documents["team_1"]))
        self.assertEqual(
            self._as(self.leader, "sale.order").search([*MARCH_ORDERS, ("user_id", "!=", False)]),
            documents["team_1"].filtered("user_id"),
        )

    def test_team_leader_rules_are_the_definition(self):
        """Each Team Leader rule on Sales and Invoicing documents evaluates the
        one scope definition."""
        invoices = Domain("move_type", "in", ("out_invoice", "out_refund"))
        rules = {
            "sale_order_rule_team_leader": (["user_id"], "team_id", Domain.TRUE),
            "sale_order_line_rule_team_leader": (["salesman_id"], "order_id.team_id", Domain.TRUE),
            "sale_report_rule_team_leader": (["user_id"], "team_id", Domain.TRUE),
            "account_move_rule_team_leader": (["invoice_user_id"], "team_id", invoices),
            "account_move_line_rule_team_leader": (
                ["move_id.invoice_user_id"],
                "move_id.team_id",
                Domain("move_id", "any", invoices),
            ),
            "account_invoice_report_rule_team_leader": (["invoice_user_id"], "team_id", Domain.TRUE),
            "account_move_send_wizard_rule_team_leader": (
                ["move_id.invoice_user_id"],
                "move_id.team_id",
                Domain("move_id", "any", invoices),
            ),
            "account_move_send_batch_wizard_rule_team_leader": (
                ["move_ids.invoice_user_id"],
                "move_ids.team_id",
                Domain("move_ids", "any", invoices),
            ),
        }
        team_leader = self.env.ref("sales_plus.group_sales_plus_team_leader")
        for xmlid, (user_fields, team_field, base) in rules.items():
            rule = self.env.ref(f"sales_plus.{xmlid}")
            model = self.env[rule.model_id.model]
            self.assertEqual(rule.groups, team_leader, xmlid)
            for who in (self.leader, self.manager):
                with self.subTest(rule=xmlid, user=who.login):
                    self.assertEqual(
                        Domain(safe_eval(rule.domain_force, {"user": who.sudo()})).optimize_full(model),
                        (base & who._sales_plus_scope_domain(user_fields, team_field)).optimize_full(model),
                    )

    @freeze_time(TODAY)
    def test_member_row_is_member_cockpit(self):
        """The member sells in the leader's team only: their row in the
        leader's cockpit is their own cockpit, and drills down to the same
        orders."""
        order = self._order(self.seller_a, 1000.0, datetime(2024, 3, 4, 9), team=self.team_1)
        self._order(self.seller_a, 200.0, datetime(2024, 3, 5, 9), team=self.team_1)
        self._refund(self._invoice(order, date(2024, 3, 5), pay=date(2024, 3, 12)), 100.0, date(2024, 3, 19))
        self._order(self.seller_b, 700.0, datetime(2024, 3, 6, 9), team=self.team_2)
        row = self._rows(self._data(self.leader), "by_salesperson")[self.seller_a.id]
        own = self._data(self.seller_a)["kpis"]["current"]
        for figure in (*ADDITIVE, *RATIOS):
            self.assertEqual(row[figure], own[figure], figure)
        filters = {"company_id": self.company.id, **MARCH}
        leader_drill = self._as(self.leader, "sales_plus.cockpit").get_drilldown_action(
            filters, "orders", row["key"]
        )
        own_drill = self._as(self.seller_a, "sales_plus.cockpit").get_drilldown_action(filters, "orders", {})
        self.assertEqual(
            self._as(self.leader, "sale.order").search(leader_drill["domain"]),
            self._as(self.seller_a, "sale.order").search(own_drill["domain"]),
        )

    # ---- Teams change, the rules follow at once ----

    def test_membership_change_takes_effect_at_once(self):
        self.env["ir.config_parameter"].set_param("sales_team.membership_multi", True)
        order_b = self._order(self.seller_b, 400.0, datetime(2024, 3, 8, 9), team=self.team_2)
        order_a = self._order(self.seller_a, 100.0, datetime(2024, 3, 9, 9), team=self.team_1)
        Order, Target = self._as(self.leader, "sale.order"), self._as(self.leader, "sales_plus.target")
        # the rules are computed (and cached) before each change
        self.assertFalse(Order.search([("id", "=", order_b.id)]))
        self.team_2.member_ids |= self.leader
        self.assertEqual(Order.search([("id", "=", order_b.id)]), order_b, "a member reads the team's orders")
        self.team_2.member_ids -= self.leader
        self.assertFalse(Order.search([("id", "=", order_b.id)]))
        with self.assertRaises(AccessError):
            order_b.with_user(self.leader).read(["name"])
        # a member leaves team 1: their target is no longer the leader's; their
        # orders written with team 1 stay team 1's
        self.assertEqual(Target.search([("id", "=", self.target_a.id)]), self.target_a)
        self.team_1.member_ids -= self.seller_a
        self.assertFalse(Target.search([("id", "=", self.target_a.id)]))
        self.assertEqual(Order.search([("id", "=", order_a.id)]), order_a)
        # the leader hands team 1 over (and leaves it): team 1's orders are no longer theirs
        self.team_1.write({"user_id": self.manager.id, "member_ids": [Command.unlink(self.leader.id)]})
        self.assertFalse(Order.search([("id", "=", order_a.id)]))
        with self.assertRaises(AccessError):
            order_a.with_user(self.leader).read(["name"])

    # ---- Another team's documents ----

    def test_leader_cannot_read_other_team_over_rpc(self):
        order_b = self._order(self.seller_b, 400.0, datetime(2024, 3, 8, 9), team=self.team_2)
        invoice_b = self._invoice(order_b, date(2024, 3, 11))
        own = self._order(self.seller_a, 100.0, datetime(2024, 3, 9, 9), team=self.team_1)
        for record in (order_b, invoice_b):
            with self.assertRaises(AccessError):
                record.with_user(self.leader).read(["name"])

        def read(model, record_id):
            return self.xmlrpc_object.execute_kw(
                get_db_name(), self.leader.id, "cockpit_leader_pw", model, "read", [[record_id], ["name"]]
            )

        # (XML-RPC is deprecated in Odoo 19, which logs a warning per call)
        with mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http"):
            self.assertEqual(read("sale.order", own.id)[0]["name"], own.name)
            for record in (order_b, invoice_b):
                with self.assertRaises(xmlrpc.client.Fault) as fault:
                    read(record._name, record.id)
                self.assertEqual(fault.exception.faultCode, RPC_FAULT_CODE_ACCESS_ERROR, record._name)

    # ---- Groups ----

    def test_groups_and_who_reads_everything(self):
        """Team Leaders are not Sales "All Documents" users; Sales Plus
        Managers and "All Documents" users still read every order; a plain
        salesperson keeps Odoo's own rule."""
        all_documents = self.env.ref("sales_team.group_sale_salesman_all_leads")
        self.assertNotIn(
            all_documents, self.env.ref("sales_plus.group_sales_plus_team_leader").all_implied_ids
        )
        self.assertIn(all_documents, self.env.ref("sales_plus.group_sales_plus_manager").all_implied_ids)
        orders = self._order(self.seller_b, 400.0, datetime(2024, 3, 8, 9), team=self.team_2) | self._order(
            self.seller_a, 100.0, datetime(2024, 3, 9, 9), team=self.team_1
        )
        domain = [("id", "in", orders.ids)]
        all_reader = self._user("leader_all_docs", "sales_team.group_sale_salesman_all_leads")
        plain = self._user("leader_plain", "sales_team.group_sale_salesman")
        self.assertEqual(self._as(self.manager, "sale.order").search(domain), orders)
        self.assertEqual(self._as(all_reader, "sale.order").search(domain), orders)
        self.assertFalse(self._as(plain, "sale.order").search(domain))
        self.assertEqual(self._as(self.leader, "sale.order").search(domain), orders[1])

    def _user(self, login, group):
        return new_test_user(
            self.env,
            login=login,
            groups=f"base.group_user,{group}",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )

    # ---- Upgrade from 19.0.1.0.1 ----

    def test_upgrade_from_19_0_1_0_1(self):
        spec = importlib.util.spec_from_file_location("sales_plus_migration_19_0_1_0_2", MIGRATION)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        team_leader = self.env.ref("sales_plus.group_sales_plus_team_leader")
        manager = self.env.ref("sales_plus.group_sales_plus_manager")
        all_documents = self.env.ref("sales_team.group_sale_salesman_all_leads")
        # the state 19.0.1.0.1 left
        team_leader.implied_ids = [Command.link(all_documents.id)]
        manager.implied_ids = [Command.unlink(all_documents.id)]
        self.assertTrue(self.leader.has_group("sales_team.group_sale_salesman_all_leads"))
        self.env.flush_all()

        migration.migrate(self.env.cr, "19.0.1.0.1")
        self.env.invalidate_all()

        self.assertNotIn(all_documents, team_leader.implied_ids)
        self.assertIn(all_documents, manager.implied_ids)
        self.assertFalse(self.leader.has_group("sales_team.group_sale_salesman_all_leads"))
        self.assertTrue(self.manager.has_group("sales_team.group_sale_salesman_all_leads"))
