# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.addons.sale.controllers.portal import CustomerPortal, PaymentPortal
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request


def _hidden_from_customer(order_sudo):
    """A quotation whose prices wait for an approval is shown to nobody outside
    the company (internal users keep the customer preview)."""
    return order_sudo._price_approval_is_blocked() and not request.env.user._is_internal()


class SalesPlusCustomerPortal(CustomerPortal):
    def _prepare_quotations_domain(self, partner):
        # neither listed nor counted while the prices wait for an approval
        return [
            *super()._prepare_quotations_domain(partner),
            ("price_approval_state", "in", ("none", "approved")),
        ]

    def _sales_plus_under_review(self, order_id, access_token):
        """The page shown instead of a quotation under review, or None."""
        try:
            order_sudo = self._document_check_access("sale.order", order_id, access_token=access_token)
        except (AccessError, MissingError):
            return None
        if not _hidden_from_customer(order_sudo):
            return None
        # the customer sees neither the prices nor the approvers
        return request.render("sales_plus.portal_order_under_review", {"company": order_sudo.company_id})

    @http.route()
    def portal_order_page(self, order_id, report_type=None, access_token=None, **kwargs):
        """No view, print or download of a quotation under review."""
        return self._sales_plus_under_review(order_id, access_token) or super().portal_order_page(
            order_id, report_type=report_type, access_token=access_token, **kwargs
        )

    @http.route()
    def portal_my_sale_order_download_edi(self, order_id=None, access_token=None, **kwargs):
        return self._sales_plus_under_review(
            order_id, access_token
        ) or super().portal_my_sale_order_download_edi(order_id=order_id, access_token=access_token, **kwargs)


class SalesPlusPaymentPortal(PaymentPortal):
    @http.route()
    def portal_order_transaction(self, order_id, access_token, **kwargs):
        """No online payment of a quotation whose prices wait for approval."""
        try:
            order_sudo = self._document_check_access("sale.order", order_id, access_token)
        except (AccessError, MissingError):
            return super().portal_order_transaction(order_id, access_token, **kwargs)
        if order_sudo._price_approval_is_blocked():
            # the customer sees neither the deviations nor the approvers
            raise ValidationError(
                order_sudo.env._("This quotation is being reviewed: it can be paid once it is approved.")
            )
        return super().portal_order_transaction(order_id, access_token, **kwargs)
