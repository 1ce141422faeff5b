# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "sales_plus.stock.alert.mixin"]

    _stock_alert_subject_field = "product_id.product_tmpl_id"
