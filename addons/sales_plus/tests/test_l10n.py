from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import SalesPlusCommon


@tagged("post_install", "-at_install")
class TestLocalisation(SalesPlusCommon):
    """Simplified and Traditional Chinese, each from its own file (no zh.po)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("zh_CN", "zh_TW"):
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(["sales_plus"], ["zh_CN", "zh_TW"])

    def _in(self, lang, record):
        return record.with_context(lang=lang)

    def test_menus_in_both_scripts(self):
        menu = self.env.ref("sales_plus.res_partner_menu_my_customers")
        self.assertEqual(self._in("zh_CN", menu).name, "我的客户")
        self.assertEqual(self._in("zh_TW", menu).name, "我的客戶")
        self.assertEqual(self._in("en_US", menu).name, "My Customers")

    def test_groups_in_both_scripts(self):
        leader = self.env.ref("sales_plus.group_sales_plus_team_leader")
        self.assertEqual(self._in("zh_CN", leader).name, "团队主管")
        self.assertEqual(self._in("zh_TW", leader).name, "團隊主管")

    def test_user_in_zh_tw_sees_traditional_labels(self):
        # the web client sends the user's language in the context of every call
        user = self.sp_users["user"]
        user.lang = "zh_TW"
        company = self.env["res.company"].with_user(user).with_context(lang=user.lang)
        fields = company.fields_get(["sales_plus_fallback_user_id"])
        self.assertEqual(fields["sales_plus_fallback_user_id"]["string"], "Sales Plus 備用負責人")

    def test_validation_errors_in_each_script(self):
        """The same bad input is refused in the user's own script, nothing written."""
        config = self.env["sales_plus.rfm.config"]._get_for_company(self.env.company)
        window = config.window_days
        for lang, expected, foreign in (
            ("zh_TW", "分級時間區間必須在 1 到 3650 天之間", "分级"),
            ("zh_CN", "分级时间窗口必须在 1 到 3650 天之间", "分級"),
        ):
            admin_config = config.with_user(self.sp_users["admin"]).with_context(lang=lang)
            with self.subTest(lang=lang), self.assertRaises(ValidationError) as caught:
                with self.env.cr.savepoint():
                    admin_config.write({"window_days": 0})
                    admin_config.flush_recordset()
            self.assertIn(expected, str(caught.exception))
            self.assertNotIn(foreign, str(caught.exception))
        config.invalidate_recordset()
        self.assertEqual(config.window_days, window)


@tagged("post_install", "-at_install")
class TestCockpitWanUnitsSetting(SalesPlusCommon):
    """The cockpit's 万 / 萬 display: a per-user setting each user changes for
    themselves only."""

    def _settings(self, user):
        return self.env["res.users.settings"]._find_or_create_for_user(user)

    def test_off_by_default_and_sent_to_the_web_client(self):
        settings = self._settings(self.sp_users["user"])
        self.assertFalse(settings.sales_plus_cockpit_wan_units)
        # the web client reads user settings from this dictionary (session info)
        self.assertIn("sales_plus_cockpit_wan_units", settings._res_users_settings_format())

    def test_user_switches_it_for_themselves(self):
        user = self.sp_users["user"]
        settings = self._settings(user).with_user(user)
        changed = settings.set_res_users_settings({"sales_plus_cockpit_wan_units": True})
        self.assertTrue(changed["sales_plus_cockpit_wan_units"])
        settings.invalidate_recordset()
        self.assertTrue(self._settings(user).sales_plus_cockpit_wan_units)
        settings.set_res_users_settings({"sales_plus_cockpit_wan_units": False})
        settings.invalidate_recordset()
        self.assertFalse(self._settings(user).sales_plus_cockpit_wan_units)

    def test_nobody_changes_another_users_setting(self):
        owner, other = self.sp_users["user"], self.sp_users["manager"]
        settings = self._settings(owner)
        for intruder in (other, self.plain_salesman):
            with self.subTest(intruder=intruder.login), self.assertRaises(AccessError):
                settings.with_user(intruder).set_res_users_settings({"sales_plus_cockpit_wan_units": True})
            with self.assertRaises(AccessError):
                settings.with_user(intruder).read(["sales_plus_cockpit_wan_units"])
        settings.invalidate_recordset()
        self.assertFalse(settings.sales_plus_cockpit_wan_units)
