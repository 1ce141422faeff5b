import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("sales_plus_price_approval_tour", {
    steps: () => [
        {
            content: "The quotation is within policy: no banner",
            trigger: ".o_form_view:not(:has(.o_sales_plus_price_approval_banner:visible))",
        },
        {
            content: "Edit the unit price of the first line",
            trigger: ".o_field_widget[name=order_line] .o_data_row:first td[name=price_unit]",
            run: "click",
        },
        {
            content: "Lower the price by 10%",
            trigger: ".o_field_widget[name=order_line] .o_data_row:first td[name=price_unit] input",
            run: "edit 90",
        },
        {
            content: "Leave the cell",
            trigger: ".o_form_view .o_field_widget[name=partner_id]",
            run: "click",
        },
        {
            content: "Before saving, the banner tells the approval needed",
            trigger: ".o_sales_plus_price_approval_banner:contains(needs level 1)",
        },
        {
            trigger: ".o_field_widget[name=order_line] .o_data_row.text-warning",
        },
        ...stepUtils.saveForm(),
        {
            content: "Request the approval",
            trigger: ".o_statusbar_buttons button.btn-primary[name=action_request_price_approval]",
            run: "click",
        },
        {
            content: "The approval is pending",
            trigger: ".o_sales_plus_price_approval_banner:contains(Price approval pending)",
        },
    ],
});

registry.category("web_tour.tours").add("sales_plus_price_approval_leader_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Sales app",
            trigger: '.o_app[data-menu-xmlid="sale.sale_menu_root"]',
            run: "click",
        },
        {
            content: "Open the Sales Plus menu",
            trigger: '.o_menu_sections [data-menu-xmlid="sales_plus.sales_plus_menu_root"]',
            run: "click",
        },
        {
            content: "Open the price approvals to do",
            trigger: '.o-dropdown-item[data-menu-xmlid="sales_plus.sale_order_menu_price_approval_to_do"]',
            run: "click",
        },
        {
            content: "The quotation waits for the team leader",
            trigger: ".o_data_row:contains(SP-TOUR-QUOTE):contains(Approval Customer)",
        },
        {
            content: "Approve it",
            trigger: ".o_data_row:contains(SP-TOUR-QUOTE) button[name=validate_tier]",
            run: "click",
        },
        {
            content: "Comment the decision",
            trigger: ".modal .o_field_widget[name=comment] input",
            run: "edit Fine for this customer",
        },
        {
            trigger: ".modal button[name=add_comment]",
            run: "click",
        },
        {
            content: "Nothing left to approve",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(SP-TOUR-QUOTE)))",
        },
    ],
});
