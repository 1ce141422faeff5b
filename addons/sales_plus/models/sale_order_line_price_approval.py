# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import float_compare, float_round

# line fields whose change can make a price worse (see sale.order._price_approval_check_changes)
PRICE_APPROVAL_LINE_TRIGGERS = {
    "product_id",
    "product_uom_id",
    "product_uom_qty",
    "price_unit",
    "discount",
    "purchase_price",
}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # ---- Fields ----

    price_approval_reference_price = fields.Float(
        string="Reference Price",
        compute="_compute_price_approval_reference_price",
        store=True,
        min_display_digits="Product Price",
        help="What the order's pricelist gives this customer for this product, quantity, unit and "
        "date, in the order currency.",
    )
    price_approval_effective_price = fields.Float(
        string="Effective Price",
        compute="_compute_price_approval",
        store=True,
        min_display_digits="Product Price",
        help="Unit price after discount.",
    )
    price_approval_deviation = fields.Float(
        string="Deviation (%)",
        compute="_compute_price_approval",
        store=True,
        digits=(16, 2),
        help="How far the effective price lies under the reference price: "
        "(reference - effective) / reference. Negative above the reference.",
    )
    price_approval_margin = fields.Float(
        string="Approval Margin (%)",
        compute="_compute_price_approval",
        store=True,
        digits=(16, 2),
        groups="base.group_user",
        help="(effective price - cost) / effective price, the cost being the line's cost "
        "(converted by sale_margin to the order currency at the order date).",
    )
    price_approval_rule_id = fields.Many2one(
        comodel_name="sales_plus.price.rule",
        string="Price Rule",
        compute="_compute_price_approval",
        store=True,
        help="The most specific price rule that applies to the line.",
    )
    price_approval_level = fields.Integer(
        string="Approval Level",
        compute="_compute_price_approval",
        store=True,
        help="0: within policy; 1 team leader, 2 sales manager, 3 general manager.",
    )
    price_approval_reason = fields.Char(
        string="Approval Reason",
        compute="_compute_price_approval_reason",
    )
    # what the approvers saw: kept when the approval is requested and refreshed
    # once it is granted; a line worse than this restarts the approval
    price_approval_snapshot_level = fields.Integer(string="Approved Level", copy=False, readonly=True)
    price_approval_snapshot_price = fields.Float(
        string="Approved Price", copy=False, readonly=True, min_display_digits="Product Price"
    )
    price_approval_snapshot_discount = fields.Float(string="Approved Discount (%)", copy=False, readonly=True)
    price_approval_snapshot_deviation = fields.Float(
        string="Approved Deviation (%)", copy=False, readonly=True, digits=(16, 2)
    )
    price_approval_snapshot_margin = fields.Float(
        string="Approved Margin (%)", copy=False, readonly=True, digits=(16, 2), groups="base.group_user"
    )

    @api.depends(
        "product_id",
        "product_uom_id",
        "product_uom_qty",
        "display_type",
        "is_downpayment",
        "combo_item_id",
        "order_id.pricelist_id",
        "order_id.currency_id",
        "order_id.company_id",
        "order_id.fiscal_position_id",
    )
    def _compute_price_approval_reference_price(self):
        references = self._price_approval_reference_prices()
        for line in self:
            line.price_approval_reference_price = references.get(line, 0.0)

    @api.depends(
        "price_approval_reference_price",
        "price_unit",
        "discount",
        "purchase_price",
        "product_id",
        "display_type",
        "is_downpayment",
        "combo_item_id",
        "order_id.partner_id",
        "order_id.team_id",
        "order_id.company_id",
    )
    def _compute_price_approval(self):
        rules_by_company = {}
        classes = {}
        for company in self.order_id.company_id:
            rules_by_company[company] = self.env["sales_plus.price.rule"]._price_approval_rules(company)
            partners = self.order_id.filtered(lambda o, c=company: o.company_id == c).partner_id
            company_classes = self.env["sales_plus.price.rule"]._partner_abc_classes(
                partners.commercial_partner_id, company
            )
            classes.update({(company.id, partner_id): abc for partner_id, abc in company_classes.items()})
        for line in self:
            reference = line.price_approval_reference_price
            effective = line.price_unit * (1.0 - (line.discount or 0.0) / 100.0)
            deviation = margin = 0.0
            rule = self.env["sales_plus.price.rule"]
            level = 0
            if float_compare(reference, 0.0, precision_digits=6) > 0:
                deviation = float_round((reference - effective) / reference * 100.0, precision_digits=4)
            cost = line.purchase_price
            if float_compare(effective, 0.0, precision_digits=6) > 0:
                margin = float_round((effective - cost) / effective * 100.0, precision_digits=4)
            elif cost > 0:
                margin = -100.0
            # a line is flagged only when it is sold under a positive reference price
            if float_compare(deviation, 0.0, precision_digits=4) > 0 and line._price_approval_is_analysed():
                order = line.order_id
                partner_class = classes.get((order.company_id.id, order.partner_id.commercial_partner_id.id))
                for candidate in rules_by_company.get(order.company_id, ()):
                    if candidate._price_approval_matches(
                        line.product_id, partner_class, order.team_id, order.company_id
                    ):
                        rule = candidate
                        break
                if rule:
                    level = rule._price_approval_level(min(deviation, 100.0), margin)
            line.price_approval_effective_price = effective
            line.price_approval_deviation = deviation
            line.price_approval_margin = margin
            line.price_approval_rule_id = rule
            line.price_approval_level = level

    @api.depends("price_approval_level", "price_approval_deviation", "price_approval_rule_id")
    def _compute_price_approval_reason(self):
        for line in self:
            if not line.price_approval_level:
                line.price_approval_reason = False
                continue
            line.price_approval_reason = self.env._(
                "%(deviation)s%% under the reference price: level %(level)s (rule %(rule)s)",
                deviation=f"{line.price_approval_deviation:.1f}",
                level=line.price_approval_level,
                rule=line.price_approval_rule_id.display_name,
            )

    # ---- Business methods ----

    def _price_approval_is_analysed(self):
        """Sections, notes, down payments, delivery charges, combo items (priced by
        their combo) and lines without product are never flagged."""
        self.ensure_one()
        return bool(
            self.order_id
            and self.product_id
            and self.product_uom_id
            and not self.display_type
            and not self.is_downpayment
            and not self.combo_item_id
            and not (self._fields.get("is_delivery") and self.is_delivery)
        )

    def _price_approval_reference_prices(self):
        """Reference unit price of each analysed line: ``{line: price}``.

        The pricelist price Odoo itself would put on the line (rule for the product,
        quantity, unit and order date, in the order currency, taxes included as the
        unit price is), without the salesperson's discount. Applicable pricelist
        rules are fetched once per pricelist and date for all the lines' products,
        not once per line.
        """
        groups = defaultdict(lambda: self.browse())
        for line in self:
            if line._price_approval_is_analysed():
                groups[(line.order_id.pricelist_id, line._get_order_date())] |= line
        prices = {}
        for (pricelist, date), lines in groups.items():
            date = date or fields.Datetime.now()
            items = pricelist._get_applicable_rules(lines.product_id, date) if pricelist else None
            for line in lines:
                line = line.with_company(line.company_id)
                product = line.product_id
                qty_in_product_uom = line.product_uom_id._compute_quantity(
                    line.product_uom_qty or 1.0, product.uom_id, raise_if_failure=False
                )
                item = self.env["product.pricelist.item"]
                for candidate in items or ():
                    if candidate._is_applicable_for(product, qty_in_product_uom):
                        item = candidate
                        break
                price = item._compute_price(
                    product=product.with_context(**line._get_product_price_context()),
                    quantity=line.product_uom_qty or 1.0,
                    uom=line.product_uom_id,
                    date=date,
                    currency=line.currency_id or line.order_id.currency_id,
                )
                taxes = product.taxes_id._filter_taxes_by_company(line.company_id)
                if taxes:
                    price = product._get_tax_included_unit_price_from_price(
                        price, product_taxes=taxes, fiscal_position=line.order_id.fiscal_position_id
                    )
                prices[line] = price
        return prices

    def _price_approval_is_worse(self):
        """Whether the line is priced worse than what was approved (or requested):
        a higher level, a larger deviation or a lower margin; a flagged line
        without a snapshot (a new flagged line) is worse too."""
        self.ensure_one()
        if not self.price_approval_level:
            return False
        if self.price_approval_level > self.price_approval_snapshot_level:
            return True
        line = self.sudo()
        return (
            float_compare(
                line.price_approval_deviation, line.price_approval_snapshot_deviation, precision_digits=2
            )
            > 0
            or float_compare(
                line.price_approval_margin, line.price_approval_snapshot_margin, precision_digits=2
            )
            < 0
        )

    def _prepare_price_approval_snapshot_vals(self):
        self.ensure_one()
        if not self.price_approval_level:
            return {
                "price_approval_snapshot_level": 0,
                "price_approval_snapshot_price": 0.0,
                "price_approval_snapshot_discount": 0.0,
                "price_approval_snapshot_deviation": 0.0,
                "price_approval_snapshot_margin": 0.0,
            }
        return {
            "price_approval_snapshot_level": self.price_approval_level,
            "price_approval_snapshot_price": self.price_unit,
            "price_approval_snapshot_discount": self.discount,
            "price_approval_snapshot_deviation": self.price_approval_deviation,
            "price_approval_snapshot_margin": self.sudo().price_approval_margin,
        }
