# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import re

from lxml import etree

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.misc import format_amount, formatLang

from .common import SalesPlusCommon

CJK = re.compile(r"[\u4e00-\u9fff]")
ACRONYM = re.compile(r"^[A-Z]{1,3}$")


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
        self.assertEqual(fields["sales_plus_fallback_user_id"]["string"], "銷售增強備用負責人")

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

    def _list_columns(self, lang, model):
        """Title and visible column labels of the model's list view, as the web
        client receives them in ``lang``."""
        result = self.env[model].with_context(lang=lang).get_views([(False, "list")])
        arch = etree.fromstring(result["views"]["list"]["arch"])
        fields = result["models"][model]["fields"]
        labels = [
            node.get("string") or fields[node.get("name")]["string"]
            for node in arch.iter("field")
            if node.get("column_invisible") not in ("1", "True")
        ]
        return arch.get("string"), labels

    def test_grading_and_alert_lists_in_each_script(self):
        for lang, expected, foreign in (
            ("zh_CN", {"grading": "客户分级", "alerts": "库存预警", "segment": "冠军客户"}, "戶"),
            ("zh_TW", {"grading": "客戶分級", "alerts": "庫存警示", "segment": "冠軍客戶"}, "户"),
        ):
            with self.subTest(lang=lang):
                env = self.env(context=dict(self.env.context, lang=lang))
                self.assertEqual(env.ref("sales_plus.sales_plus_rfm_grade_action").name, expected["grading"])
                self.assertEqual(env.ref("sales_plus.sales_plus_stock_alert_action").name, expected["alerts"])
                self.assertEqual(env.ref("sales_plus.rfm_segment_champions").name, expected["segment"])
                for model in ("sales_plus.rfm.grade", "sales_plus.stock.alert"):
                    title, labels = self._list_columns(lang, model)
                    for label in [title, *labels]:
                        if ACRONYM.match(label):  # the R, F and M scores
                            continue
                        self.assertRegex(label, CJK, f"{model} list: {label!r} is not in Chinese")
                        self.assertNotIn(foreign, label)
                # selection values shipped in the code (alert types, ABC classes)
                alert_types = dict(
                    env["sales_plus.stock.alert"].fields_get(["alert_type"])["alert_type"]["selection"]
                )
                for value in alert_types.values():
                    self.assertRegex(value, CJK)
        types_cn = self.env["sales_plus.stock.alert"].with_context(lang="zh_CN").fields_get(["alert_type"])
        types_tw = self.env["sales_plus.stock.alert"].with_context(lang="zh_TW").fields_get(["alert_type"])
        self.assertIn(("safety_stock", "低于安全库存"), types_cn["alert_type"]["selection"])
        self.assertIn(("safety_stock", "低於安全庫存"), types_tw["alert_type"]["selection"])


@tagged("post_install", "-at_install")
class TestCockpitWanUnitsSetting(SalesPlusCommon):
    """The cockpit's 万 / 萬 display: a per-user setting each user changes for
    themselves only."""

    def _settings(self, user):
        return self.env["res.users.settings"]._find_or_create_for_user(user)

    def test_off_by_default_in_english_and_sent_to_the_web_client(self):
        self.env["res.lang"]._activate_lang("en_US")
        settings = self._settings(new_test_user(self.env, login="wan_en_US", lang="en_US"))
        self.assertFalse(settings.sales_plus_cockpit_wan_units)
        # the web client reads user settings from this dictionary (session info)
        self.assertIn("sales_plus_cockpit_wan_units", settings._res_users_settings_format())

    def test_on_by_default_for_chinese_readers(self):
        """万 / 萬 is the default of a user reading Chinese (who may switch it off)."""
        for lang in ("zh_CN", "zh_TW"):
            self.env["res.lang"]._activate_lang(lang)
            user = new_test_user(self.env, login=f"wan_{lang}", lang=lang)
            self.assertTrue(self._settings(user).sales_plus_cockpit_wan_units, lang)

    def test_user_switches_it_for_themselves(self):
        user = self.sp_users["user"]
        settings = self._settings(user).with_user(user)
        for value in (not settings.sales_plus_cockpit_wan_units, settings.sales_plus_cockpit_wan_units):
            changed = settings.set_res_users_settings({"sales_plus_cockpit_wan_units": value})
            self.assertEqual(changed["sales_plus_cockpit_wan_units"], value)
            settings.invalidate_recordset()
            self.assertEqual(self._settings(user).sales_plus_cockpit_wan_units, value)

    def test_nobody_changes_another_users_setting(self):
        owner, other = self.sp_users["user"], self.sp_users["manager"]
        settings = self._settings(owner)
        before = settings.sales_plus_cockpit_wan_units
        for intruder in (other, self.plain_salesman):
            with self.subTest(intruder=intruder.login), self.assertRaises(AccessError):
                settings.with_user(intruder).set_res_users_settings(
                    {"sales_plus_cockpit_wan_units": not before}
                )
            with self.assertRaises(AccessError):
                settings.with_user(intruder).read(["sales_plus_cockpit_wan_units"])
        settings.invalidate_recordset()
        self.assertEqual(settings.sales_plus_cockpit_wan_units, before)


@tagged("post_install", "-at_install")
class TestChineseMoneyFormats(TransactionCase):
    """CNY, TWD and HKD as Odoo formats them for zh_CN and zh_TW users, on screen
    (formatLang, format_amount, the monetary widget of the PDF), in the cockpit's
    payload and in the XLSX exports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("zh_CN", "zh_TW"):
            cls.env["res.lang"]._activate_lang(code)
        cls.cny, cls.twd, cls.hkd = (cls.env.ref(f"base.{code}") for code in ("CNY", "TWD", "HKD"))
        (cls.cny | cls.twd | cls.hkd).active = True

    def _env(self, lang):
        return self.env(context=dict(self.env.context, lang=lang))

    def test_languages_group_by_thousands_with_a_decimal_point(self):
        for code in ("zh_CN", "zh_TW"):
            lang = self.env["res.lang"]._lang_get(code)
            self.assertEqual((lang.decimal_point, lang.thousands_sep, lang.grouping), (".", ",", "[3,0]"))
            self.assertEqual(lang.format("%.2f", 1234567.891, grouping=True), "1,234,567.89")

    def test_cny_in_simplified_chinese(self):
        env = self._env("zh_CN")
        self.assertEqual(formatLang(env, 1234567.891, currency_obj=self.cny), "¥\xa01,234,567.89")
        self.assertEqual(format_amount(env, 1234567.891, self.cny, "zh_CN"), "¥\xa01,234,567.89")
        self.assertEqual(format_amount(env, -1234.5, self.cny, "zh_CN"), "¥\xa0-\ufeff1,234.50")

    def test_twd_in_traditional_chinese_before_the_amount_without_decimals(self):
        # sales_plus puts NT$ before the amount, as l10n_tw does (base leaves it after)
        self.assertEqual((self.twd.symbol, self.twd.position, self.twd.decimal_places), ("NT$", "before", 0))
        env = self._env("zh_TW")
        self.assertEqual(formatLang(env, 1234567.6, currency_obj=self.twd), "NT$\xa01,234,568")
        self.assertEqual(format_amount(env, 1234567.6, self.twd, "zh_TW"), "NT$\xa01,234,568")

    def test_hkd_in_traditional_chinese(self):
        env = self._env("zh_TW")
        self.assertEqual(formatLang(env, 1234567.891, currency_obj=self.hkd), "$\xa01,234,567.89")
        self.assertEqual(format_amount(env, 1234.5, self.hkd, "zh_TW"), "$\xa01,234.50")

    def test_monetary_widget_of_the_reports(self):
        widget = self.env["ir.qweb.field.monetary"]
        for lang, currency, expected in (
            ("zh_CN", self.cny, "¥\xa01,234,567.89"),
            ("zh_TW", self.twd, "NT$\xa01,234,568"),
            ("zh_TW", self.hkd, "$\xa01,234,567.89"),
        ):
            with self.subTest(lang=lang, currency=currency.name):
                html = widget.with_context(lang=lang).value_to_html(
                    1234567.891, {"display_currency": currency}
                )
                text = re.sub(r"<[^>]+>", "", str(html)).replace("&nbsp;", "\xa0")
                self.assertEqual(text, expected)

    def test_cockpit_payload_and_xlsx_in_the_company_currency(self):
        import openpyxl  # noqa: PLC0415

        for currency, expected_payload, expected_format in (
            (self.cny, ("¥", "before", 2), '"¥"#,##0.00'),
            (self.twd, ("NT$", "before", 0), '"NT$"#,##0'),
            (self.hkd, ("$", "before", 2), '"$"#,##0.00'),
        ):
            with self.subTest(currency=currency.name):
                company = self.env["res.company"].create(
                    {
                        "name": f"Format {currency.name}",
                        "currency_id": currency.id,
                        # else reports first ask for a document layout
                        "external_report_layout_id": self.env.ref("web.external_layout_standard").id,
                    }
                )
                self.env.user.company_ids += company
                cockpit = self.env["sales_plus.cockpit"].with_context(
                    allowed_company_ids=company.ids, lang="zh_TW"
                )
                filters = {"company_id": company.id, "period_type": "month", "date_from": "2024-03-01"}
                payload = cockpit.get_cockpit_data(filters)
                self.assertEqual(
                    (
                        payload["currency"]["symbol"],
                        payload["currency"]["position"],
                        payload["currency"]["digits"],
                    ),
                    expected_payload,
                )
                action = cockpit.action_export_xlsx(filters)
                content, __ = (
                    self.env["ir.actions.report"]
                    .with_context(allowed_company_ids=company.ids, lang="zh_TW")
                    ._render(action["report_name"], company.ids, data=action["data"])
                )
                sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
                revenue = next(row for row in sheet.iter_rows() if row[0].value == "營收")
                self.assertEqual(revenue[1].number_format, expected_format)
                self.assertEqual(
                    self.env["report.sales_plus.rfm_grade_xlsx"]._report_xlsx_currency_format(currency),
                    expected_format,
                )
