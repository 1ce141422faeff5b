# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .common import SalesPlusCommon


@tagged("post_install", "-at_install")
class TestFoundation(SalesPlusCommon):
    # ---- Helpers ----

    def _module_xmlids(self, model):
        data = self.env["ir.model.data"].search([("module", "=", "sales_plus"), ("model", "=", model)])
        return {f"sales_plus.{d.name}": d.res_id for d in data}

    def _visible_sales_plus_menus(self, user):
        menus = self._module_xmlids("ir.ui.menu")
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

        def reachable(menu_id):
            # the web client shows a menu only when it and all its parents are visible
            path = self.env["ir.ui.menu"].browse(menu_id).parent_path
            return all(int(ancestor) in visible for ancestor in path.strip("/").split("/"))

        return {xmlid for xmlid, menu_id in menus.items() if reachable(menu_id)}

    # ---- Security skeleton ----

    def test_groups_imply_sales_team_groups(self):
        has = {role: user.has_group for role, user in self.sp_users.items()}
        self.assertTrue(has["user"]("sales_team.group_sale_salesman"))
        self.assertFalse(has["user"]("sales_team.group_sale_salesman_all_leads"))
        # Team Leaders read their teams' documents through the Sales Plus rules
        self.assertFalse(has["team_leader"]("sales_team.group_sale_salesman_all_leads"))
        self.assertTrue(has["team_leader"]("sales_plus.group_sales_plus_user"))
        self.assertTrue(has["manager"]("sales_plus.group_sales_plus_team_leader"))
        self.assertTrue(has["manager"]("sales_team.group_sale_salesman_all_leads"))
        self.assertFalse(has["manager"]("sales_team.group_sale_manager"))
        self.assertTrue(has["admin"]("sales_plus.group_sales_plus_manager"))
        self.assertTrue(has["admin"]("sales_team.group_sale_manager"))
        privilege = self.env.ref("sales_plus.res_groups_privilege_sales_plus")
        self.assertEqual(
            set(privilege.group_ids.mapped("name")),
            {"User", "Team Leader", "Manager", "General Manager", "Administrator"},
        )

    def test_each_group_sees_exactly_its_menus(self):
        user_menus = {"sales_plus.sales_plus_menu_root", "sales_plus.res_partner_menu_my_customers"}
        user_menus |= {"sales_plus.sales_plus_stock_alert_menu"}
        config_menus = {"sales_plus.sales_plus_menu_config", "sales_plus.res_config_settings_menu"}
        # customer grading
        user_menus |= {
            "sales_plus.sales_plus_rfm_grade_menu",
            "sales_plus.sales_plus_rfm_grade_menu_win_back",
            "sales_plus.sales_plus_rfm_history_menu",
        }
        # cockpit: the cockpit and the targets for everybody, target tools in Configuration
        user_menus |= {"sales_plus.sales_plus_cockpit_menu", "sales_plus.sales_plus_target_menu"}
        # price approvals: everyone sees what waits for them; managers edit the
        # price rules, administrators the approval levels
        user_menus |= {"sales_plus.sale_order_menu_price_approval_to_do"}
        manager_menus = user_menus | {"sales_plus.sales_plus_price_rule_menu"}
        admin_menus = manager_menus | {
            "sales_plus.sales_plus_menu_config",
            "sales_plus.sales_plus_rfm_config_menu",
            "sales_plus.sales_plus_rfm_segment_menu",
            "sales_plus.tier_definition_menu_price_approval",
            "sales_plus.sales_plus_target_import_menu",
            "sales_plus.sales_plus_target_spread_menu",
        }
        expected = {
            self.plain_salesman: set(),
            self.sp_users["user"]: user_menus,
            self.sp_users["team_leader"]: user_menus,
            self.sp_users["manager"]: manager_menus,
            # the settings page needs Odoo's own Settings right as well
            self.sp_users["admin"]: admin_menus,
            self.system_admin: admin_menus | config_menus,
        }
        for user, menus in expected.items():
            with self.subTest(user=user.login):
                self.assertEqual(self._visible_sales_plus_menus(user), menus)

    def test_every_action_opens_for_each_group(self):
        """Every window action behind a visible menu opens (views load, records
        read) for a user of each group; its form view opens on a record."""
        actions = self.env["ir.actions.act_window"].browse(
            self._module_xmlids("ir.actions.act_window").values()
        )
        self.assertTrue(actions)
        menus = self.env["ir.ui.menu"].browse(self._module_xmlids("ir.ui.menu").values())
        opened = set()
        self.partner.user_id = self.sp_users["user"]
        self.partner.is_company = True
        for user in [*self.sp_users.values(), self.system_admin]:
            reachable = self._visible_sales_plus_menus(user)
            for menu in menus.filtered(lambda m, r=reachable: m.get_external_id()[m.id] in r and m.action):
                action = menu.action.sudo()
                if action._name != "ir.actions.act_window":
                    continue  # client actions (the Sales Cockpit) are opened by browser tours
                with self.subTest(user=user.login, action=action.name):
                    self._open_action_as(action, user)
                    opened.add(action.id)
        self.assertEqual(opened, set(actions.ids), "an action is reachable by no group")

    def _open_action_as(self, action, user):
        eval_context = {"uid": user.id, "allowed_company_ids": user.company_ids.ids}
        context = safe_eval(action.context or "{}", eval_context)
        model = self.env[action.res_model].with_user(user).with_context(**context)
        modes = [(view.view_id.id, view.view_mode) for view in action.view_ids] or [
            (False, mode) for mode in action.view_mode.split(",")
        ]
        modes.append((action.search_view_id.id, "search"))
        views = model.get_views(modes)
        self.assertEqual(set(views["views"]), {mode for _view, mode in modes} | {"search"})
        if model._transient:
            Form(model).save()
            return
        # what the web client does: read the fields of the first view, open a record
        first_mode = modes[0][1]
        arch = etree.fromstring(views["views"][first_mode]["arch"])
        specification = {node.get("name"): {} for node in arch.iter("field")}
        result = model.web_search_read(safe_eval(action.domain or "[]", eval_context), specification, limit=5)
        if "form" in action.view_mode and result["records"]:
            Form(model.browse(result["records"][0]["id"]))

    def test_settings_save_and_reload(self):
        target = self.sp_users["manager"]
        settings = Form(self.env["res.config.settings"].with_user(self.system_admin))
        settings.sales_plus_fallback_user_id = target
        settings.save()
        self.assertEqual(self.env.company.sales_plus_fallback_user_id, target)
        reloaded = Form(self.env["res.config.settings"].with_user(self.system_admin))
        self.assertEqual(reloaded.sales_plus_fallback_user_id, target)

    def test_settings_need_settings_rights(self):
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.sp_users["manager"]).create({})

    def test_fallback_responsible(self):
        company = self.env.company
        company.sales_plus_fallback_user_id = self.sp_users["manager"]
        salesperson = self.sp_users["user"]
        self.assertEqual(company._sales_plus_responsible(salesperson), salesperson)
        self.assertEqual(company._sales_plus_responsible(self.env["res.users"]), self.sp_users["manager"])
        salesperson.active = False
        self.assertEqual(company._sales_plus_responsible(salesperson), self.sp_users["manager"])

    # ---- Install with and without demo data ----

    def test_demo_data_matches_install_mode(self):
        module = self.env["ir.module.module"].search([("name", "=", "sales_plus")])
        demo_partners = self.env["ir.model.data"].search(
            [("module", "=", "sales_plus"), ("model", "=", "res.partner"), ("name", "=like", "%_demo")]
        )
        if not module.demo:
            self.assertFalse(demo_partners, "demo records exist in a database installed without demo data")
            return
        customers = self.env["res.partner"].browse(demo_partners.mapped("res_id"))
        self.assertGreaterEqual(len(customers), 30)
        self.assertGreaterEqual(len(customers.country_id), 3)
        orders = self.env["sale.order"].search([("partner_id", "in", customers.ids), ("state", "=", "sale")])
        self.assertGreaterEqual(len(orders.currency_id), 2)
        self.assertGreaterEqual(len(orders.team_id), 2)
        self.assertGreaterEqual(len(orders.user_id), 3)
        span = max(orders.mapped("date_order")) - min(orders.mapped("date_order"))
        self.assertGreaterEqual(span.days, 700)
        warehouses = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.ref("base.main_company").id)]
        )
        product = self.env.ref("sales_plus.product_desk_demo")
        stocked = [w for w in warehouses if product.with_context(warehouse_id=w.id).qty_available > 0]
        self.assertGreaterEqual(len(stocked), 2)
        # the Shanghai company works in CNY with Chinese customers in several provinces
        shanghai = self.env.ref("sales_plus.res_company_shanghai_demo")
        self.assertEqual(shanghai.currency_id, self.env.ref("base.CNY"))
        cn_orders = self.env["sale.order"].search([("company_id", "=", shanghai.id), ("state", "=", "sale")])
        self.assertGreaterEqual(len(cn_orders.partner_id), 10)
        self.assertEqual(cn_orders.currency_id, shanghai.currency_id)
        self.assertGreaterEqual(len(cn_orders.partner_id.state_id), 5)
        self.assertTrue(all("\u4e00" <= name[0] <= "\u9fff" for name in cn_orders.partner_id.mapped("name")))

    # ---- Visibility scope shared by record rules and raw SQL ----

    def test_scope_per_group(self):
        leader, user = self.sp_users["team_leader"], self.sp_users["user"]
        team = self.env["crm.team"].create(
            {"name": "Scope Team", "user_id": leader.id, "member_ids": [user.id]}
        )
        other_team = self.env["crm.team"].create({"name": "Other Team"})
        orders = self.env["sale.order"].create(
            [
                {"partner_id": self.partner.id, "user_id": user.id, "team_id": team.id},
                {"partner_id": self.partner.id, "user_id": leader.id, "team_id": other_team.id},
                {"partner_id": self.partner.id, "user_id": self.plain_salesman.id, "team_id": other_team.id},
            ]
        )
        self.env.flush_all()

        def visible(who):
            condition = who._sales_plus_scope_sql(
                SQL.identifier("so", "user_id"), SQL.identifier("so", "team_id")
            )
            rows = self.env.execute_query(
                SQL("SELECT so.id FROM sale_order so WHERE so.id = ANY(%s) AND %s", orders.ids, condition)
            )
            return {row[0] for row in rows}

        self.assertEqual(visible(user), {orders[0].id})
        self.assertEqual(visible(leader), {orders[0].id, orders[1].id})
        self.assertEqual(visible(self.sp_users["manager"]), set(orders.ids))
        self.assertEqual(leader._sales_plus_scope()["team_ids"], team.ids)
        self.assertEqual(user._sales_plus_scope(), {"all": False, "user_ids": user.ids, "team_ids": []})
