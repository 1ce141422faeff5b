# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import importlib.util
from pathlib import Path
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.fields import Command, Domain
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

MIGRATION = Path(__file__).resolve().parents[1] / "migrations/19.0.1.0.1/post-scope_rules_and_pacing_cron.py"


@tagged("post_install", "-at_install")
class TestSalesPlusScope(TransactionCase):
    """The Sales Plus scope (own / team / all) has one definition,
    ``res.users._sales_plus_scope_terms``: the record rules, the ORM domain and
    the SQL condition built from it select the same records, for each role,
    and the records each role is meant to see.

    Team A is led by ``leader`` (not a member of it); ``member_lead`` (a Team
    Leader) and ``seller`` are members of it; ``seller_2`` is a member of team B.
    A document belongs to the team written on it; a salesperson's target and a
    customer to the teams their salesperson is a member of."""

    ROLES = ("seller", "leader", "member_lead", "manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company

        def user(login, group):
            return new_test_user(
                cls.env,
                login=f"scope_{login}",
                groups=f"base.group_user,sales_plus.group_sales_plus_{group}",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        cls.seller = user("seller", "user")
        cls.seller_2 = user("seller_2", "user")
        cls.leader = user("leader", "team_leader")
        cls.member_lead = user("member_lead", "team_leader")
        cls.manager = user("manager", "manager")
        Team = cls.env["crm.team"]
        cls.team_a = Team.create({"name": "Scope Team A", "user_id": cls.leader.id, "company_id": company.id})
        cls.team_a.member_ids = cls.seller | cls.member_lead
        cls.team_b = Team.create({"name": "Scope Team B", "company_id": company.id})
        cls.team_b.member_ids = cls.seller_2
        no_user, no_team = cls.env["res.users"], cls.env["crm.team"]

        # documents: (name, salesperson, team)
        documents = [
            ("own_in_a", cls.seller, cls.team_a),
            ("other_in_b", cls.seller_2, cls.team_b),
            ("other_in_a", cls.seller_2, cls.team_a),  # team A by the document, not by membership
            ("own_in_b", cls.seller, cls.team_b),  # team B by the document
            ("leader_no_team", cls.leader, no_team),
            ("member_lead_in_b", cls.member_lead, cls.team_b),
            ("nobody", no_user, no_team),
        ]
        cls.partners = cls.env["res.partner"].create(
            [{"name": f"Scope {name}", "is_company": True} for name, __, __ in documents]
        )
        cls.grades = cls.env["sales_plus.rfm.grade"].create(
            [
                {"partner_id": partner.id, "company_id": company.id, "user_id": seller.id, "team_id": team.id}
                for partner, (__, seller, team) in zip(cls.partners, documents, strict=True)
            ]
        )
        cls.alerts = cls.env["sales_plus.stock.alert"].create(
            [
                {
                    "alert_type": "late_shipment",
                    "subject_key": f"scope:{name}",
                    "company_id": company.id,
                    "salesperson_id": seller.id,
                    "team_id": team.id,
                }
                for name, seller, team in documents
            ]
            + [
                # asked of the seller (responsible) on another salesperson's order
                {
                    "alert_type": "late_shipment",
                    "subject_key": "scope:assigned",
                    "company_id": company.id,
                    "salesperson_id": cls.seller_2.id,
                    "team_id": cls.team_b.id,
                    "user_id": cls.seller.id,
                }
            ]
        )
        cls.orders = cls.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "user_id": seller.id,
                    "team_id": team.id,
                    "company_id": company.id,
                }
                for partner, (__, seller, team) in zip(cls.partners, documents, strict=True)
            ]
        )
        cls.documents = [name for name, __, __ in documents]
        # a salesperson's target belongs to the teams the salesperson is a member of
        cls.targets = cls.env["sales_plus.target"].create(
            [
                {"user_id": cls.seller.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 1},
                {"user_id": cls.seller_2.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 1},
                {"team_id": cls.team_a.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 1},
                {"team_id": cls.team_b.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 1},
                {"user_id": cls.leader.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 1},
                {"user_id": cls.member_lead.id, "metric": "revenue", "date_from": "2024-03-01", "amount": 1},
            ]
        )
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": f"Scope customer of {who.login}", "is_company": True, "user_id": who.id}
                for who in (cls.seller, cls.seller_2, cls.leader, cls.member_lead)
            ]
        )

    # ---- The three forms of the scope ----

    def _rule(self, records, who):
        """The records ``who`` may read through the record rules."""
        return records.with_user(who).search([("id", "in", records.ids)])

    def _orm(self, records, who, user_fields, team_field=None, membership=False):
        domain = who._sales_plus_scope_domain(user_fields, team_field, membership)
        return records.sudo().search(Domain("id", "in", records.ids) & domain).sudo(False)

    def _sql(self, records, who, user_fields, team_field=None, membership=False):
        condition = who._sales_plus_scope_sql(
            [SQL.identifier("t", field) for field in user_fields],
            team_field and SQL.identifier("t", team_field),
            membership,
        )
        records.flush_model()
        rows = self.env.execute_query(
            SQL(
                "SELECT t.id FROM %s t WHERE t.id = ANY(%s) AND %s",
                SQL.identifier(records._table),
                records.ids,
                condition,
            )
        )
        return records.browse(row[0] for row in rows)

    def _named(self, records, names):
        return records.browse(records.ids[self.documents.index(name)] for name in names)

    def _assert_forms(self, records, expected, user_fields, team_field=None, membership=False, rule=True):
        for role in self.ROLES:
            who = getattr(self, role)
            with self.subTest(model=records._name, role=role):
                self.assertTrue(expected[role], "the scenario must show something to each role")
                self.assertEqual(self._orm(records, who, user_fields, team_field, membership), expected[role])
                self.assertEqual(self._sql(records, who, user_fields, team_field, membership), expected[role])
                if rule:
                    self.assertEqual(self._rule(records, who), expected[role])

    # ---- Tests ----

    def test_documents_by_their_team(self):
        """Grades, alerts and orders (the cockpit's figures) belong to the team
        written on them."""
        expected_names = {
            "seller": ["own_in_a", "own_in_b"],
            "leader": ["own_in_a", "other_in_a", "leader_no_team"],
            "member_lead": ["own_in_a", "other_in_a", "member_lead_in_b"],
        }
        grades = {role: self._named(self.grades, names) for role, names in expected_names.items()}
        grades["manager"] = self.grades
        self._assert_forms(self.grades, grades, ["user_id"], "team_id")

        alerts = {role: self._named(self.alerts, names) for role, names in expected_names.items()}
        alerts["seller"] |= self.alerts[-1]  # the alert asked of them
        alerts["manager"] = self.alerts
        self._assert_forms(self.alerts, alerts, ["salesperson_id", "user_id"], "team_id")

        # the cockpit's figures and drill-downs of orders (core's rules apply there)
        orders = {role: self._named(self.orders, names) for role, names in expected_names.items()}
        orders["manager"] = self.orders
        self._assert_forms(self.orders, orders, ["user_id"], "team_id", rule=False)

    def test_targets_and_customers_by_membership(self):
        """A salesperson's target and a customer belong to the teams their
        salesperson is a member of; a team target to its team."""
        seller, seller_2, team_a, team_b, leader, member_lead = self.targets
        targets = {
            "seller": seller,
            "leader": seller | team_a | leader | member_lead,
            "member_lead": seller | team_a | member_lead,
            "manager": self.targets,
        }
        self._assert_forms(self.targets, targets, ["user_id"], "team_id", membership=True)
        self.assertNotIn(seller_2 | team_b, targets["leader"])

        of_seller, __, of_leader, of_member_lead = self.customers
        customers = {
            "seller": of_seller,
            "leader": of_seller | of_leader | of_member_lead,
            "member_lead": of_seller | of_member_lead,
            "manager": self.customers,
        }
        self._assert_forms(self.customers, customers, ["user_id"], membership=True, rule=False)
        # the Regrade button is allowed on exactly those customers
        Grade = type(self.env["sales_plus.rfm.grade"])
        with patch.object(Grade, "_regrade_partners", autospec=True, return_value={}) as regrade:
            for role in self.ROLES:
                who = getattr(self, role)
                for customer in self.customers:
                    with self.subTest(role=role, customer=customer.name):
                        if customer in customers[role]:
                            customer.with_user(who).action_rfm_regrade()
                        else:
                            with self.assertRaisesRegex(AccessError, "customers you are responsible for"):
                                customer.with_user(who).action_rfm_regrade()
        self.assertEqual(regrade.call_count, sum(len(customers[role]) for role in self.ROLES))

    def test_rules_are_the_definition(self):
        """Each scope rule of the Sales Plus models evaluates the definition."""
        rules = {
            "sales_plus.sales_plus_stock_alert_rule_user": (["salesperson_id", "user_id"], "team_id", False),
            "sales_plus.sales_plus_rfm_grade_rule_user": (["user_id"], "team_id", False),
            "sales_plus.sales_plus_rfm_history_rule_user": (["user_id"], "team_id", False),
            "sales_plus.sales_plus_target_rule_user": (["user_id"], "team_id", True),
        }
        for xmlid, (user_fields, team_field, membership) in rules.items():
            rule = self.env.ref(xmlid)
            self.assertEqual(rule.groups, self.env.ref("sales_plus.group_sales_plus_user"))
            for role in self.ROLES:
                who = getattr(self, role)
                with self.subTest(rule=xmlid, role=role):
                    self.assertEqual(
                        Domain(safe_eval(rule.domain_force, {"user": who.sudo()})),
                        who._sales_plus_scope_domain(user_fields, team_field, membership),
                    )
        # no other rule widens or narrows the scope of those models for these groups
        user_group = self.env.ref("sales_plus.group_sales_plus_user")
        groups = user_group | user_group.all_implied_by_ids
        others = self.env["ir.rule"].search(
            [
                (
                    "model_id.model",
                    "in",
                    [
                        "sales_plus.stock.alert",
                        "sales_plus.rfm.grade",
                        "sales_plus.rfm.history",
                        "sales_plus.target",
                    ],
                ),
                ("groups", "in", groups.ids),
            ]
        )
        self.assertEqual(others, self.env["ir.rule"].browse(self.env.ref(x).id for x in rules))


@tagged("post_install", "-at_install")
class TestScopeUpgrade(TransactionCase):
    """A database of 19.0.1.0.0 (three scope rules per model, the pacing cron on
    the cockpit, all noupdate) gets the new records from the migration."""

    def _migration(self):
        spec = importlib.util.spec_from_file_location("sales_plus_migration_19_0_1_0_1", MIGRATION)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    def test_upgrade_from_19_0_1_0_0(self):
        migration = self._migration()
        target_rule = self.env.ref("sales_plus.sales_plus_target_rule_user")
        cron = self.env.ref("sales_plus.ir_cron_sales_plus_pacing_alerts")
        # the state 19.0.1.0.0 left
        target_rule.write(
            {"name": "Sales target: own targets", "domain_force": "[('user_id', '=', user.id)]"}
        )
        cron.write({"model_id": self.env["ir.model"]._get_id("sales_plus.cockpit")})
        for name in migration.OBSOLETE:
            model = name.removeprefix("sales_plus_").rsplit("_rule_", 1)[0]
            rule = self.env["ir.rule"].create(
                {
                    "name": name,
                    "model_id": self.env["ir.model"]._get_id(f"sales_plus.{model.replace('_', '.', 1)}"),
                    "domain_force": "[(1, '=', 1)]",
                    "groups": [Command.link(self.env.ref("sales_plus.group_sales_plus_manager").id)],
                }
            )
            self.env["ir.model.data"].create(
                {
                    "module": "sales_plus",
                    "name": name,
                    "model": "ir.rule",
                    "res_id": rule.id,
                    "noupdate": True,
                }
            )
        self.env.flush_all()

        migration.migrate(self.env.cr, "19.0.1.0.0")
        self.env.invalidate_all()

        for name in migration.OBSOLETE:
            self.assertFalse(self.env.ref(f"sales_plus.{name}", raise_if_not_found=False), name)
        self.assertEqual(
            target_rule.domain_force, "user._sales_plus_scope_domain(['user_id'], 'team_id', membership=True)"
        )
        self.assertIn("Sales Plus scope", target_rule.name)
        self.assertEqual(cron.model_id.model, "sales_plus.target")
        self.assertEqual(cron.code, "model._cron_pacing_alerts()")
        data = self.env["ir.model.data"].search(
            [
                ("module", "=", "sales_plus"),
                ("name", "in", ["sales_plus_target_rule_user", "ir_cron_sales_plus_pacing_alerts"]),
            ]
        )
        self.assertEqual(data.mapped("noupdate"), [True, True], "the records stay noupdate")
