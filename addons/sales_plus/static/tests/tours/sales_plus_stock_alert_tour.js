import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_plus_stock_alert_tour", {
    url: "/odoo/action-sale.action_quotations_with_onboarding",
    steps: () => [
        {
            content: "Open the search options",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter the quotations at risk",
            trigger: '.o_filter_menu .dropdown-item:contains("Quotations at Risk")',
            run: "click",
        },
        {
            content: "Only the short quotation is listed",
            trigger: '.o_data_row:contains("Tour Shortage Customer")',
        },
        {
            trigger: '.o_list_view:not(:has(.o_data_row:contains("Tour Covered Customer")))',
        },
        {
            content: "Open it",
            trigger: '.o_data_row:contains("Tour Shortage Customer") td[name="partner_id"]',
            run: "click",
        },
        {
            content: "The banner warns about the stock",
            trigger: ".o_sales_plus_stock_alert_banner:contains(Stock at risk)",
        },
        {
            content: "The short line shows the missing quantity",
            trigger: '.o_field_one2many[name="order_line"] .o_data_row .o_sales_plus_shortage:contains("7")',
        },
    ],
});
