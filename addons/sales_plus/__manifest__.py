# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Sales Plus",
    "summary": "Customer grading, price-deviation approvals, reservation alerts "
    "and a sales performance cockpit",
    "version": "19.0.1.0.2",
    "category": "Sales/Sales",
    "website": "https://github.com/sales-plus/sales_plus",
    "author": "Sales Plus developers",
    "maintainers": ["sales-plus"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "application": False,
    "installable": True,
    "uninstall_hook": "uninstall_hook",
    "depends": [
        "sale_management",
        "sale_stock",
        "sale_margin",
        "account",
        # OCA, installed from PyPI
        "sale_tier_validation",
        "report_xlsx",
    ],
    "external_dependencies": {"python": ["xlsxwriter", "openpyxl"]},
    "data": [
        # security
        "security/sales_plus_groups.xml",
        "security/price_approval_groups.xml",
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "security/price_approval_rules.xml",
        # data
        "data/res_currency_data.xml",
        "data/mail_activity_type_data.xml",
        "data/stock_alert_data.xml",
        "data/rfm_data.xml",
        "data/price_approval_data.xml",
        "data/price_approval_templates.xml",
        "data/sales_plus_cockpit_data.xml",
        # views
        "views/sales_plus_rfm_segment_views.xml",
        "views/sales_plus_rfm_config_views.xml",
        "views/sales_plus_rfm_history_views.xml",
        "views/sales_plus_rfm_grade_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/sales_plus_stock_alert_views.xml",
        "views/sales_plus_price_rule_views.xml",
        "views/sale_order_price_approval_views.xml",
        "views/sales_plus_target_views.xml",
        "views/sales_plus_cockpit_views.xml",
        "wizards/sales_plus_target_wizard_views.xml",
        "reports/sales_plus_cockpit_reports.xml",
        "views/menus.xml",
        # reports
        "reports/rfm_grade_reports.xml",
        # localisation of the OCA tier validation labels
        "views/tier_validation_views.xml",
    ],
    "demo": [
        "demo/sales_plus_demo.xml",
        "demo/sales_plus_l10n_demo.xml",
        "demo/stock_alert_demo.xml",
        "demo/rfm_demo.xml",
        "demo/price_approval_demo.xml",
        "demo/sales_plus_cockpit_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "sales_plus/static/src/cockpit/**/*",
            "sales_plus/static/src/tier_validation/**/*",
            "sales_plus/static/src/quotation/**/*",
        ],
        "web.assets_tests": [
            "sales_plus/static/tests/tours/**/*",
        ],
    },
}
