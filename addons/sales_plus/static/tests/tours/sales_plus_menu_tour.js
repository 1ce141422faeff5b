import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("sales_plus_menu_tour", {
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
            content: "Open My Customers",
            trigger: '.o-dropdown-item[data-menu-xmlid="sales_plus.res_partner_menu_my_customers"]',
            run: "click",
        },
        {
            content: "The salesperson's own customer is listed",
            trigger: '.o_breadcrumb:contains("My Customers")',
        },
        {
            trigger: '.o_data_row:contains("Sales Plus Tour Customer")',
        },
    ],
});
