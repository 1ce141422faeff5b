import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_plus_cockpit_tour", {
    steps: () => [
        {
            content: "The cockpit shows this month's revenue",
            trigger: '.o_sales_plus_cockpit_kpi[data-kpi="revenue"] .o_sales_plus_cockpit_kpi_value:not(:contains("$ 0.00"))',
        },
        {
            content: "A change beyond +999 % is capped (200 this month against 10 the month before)",
            trigger: '.o_sales_plus_cockpit_kpi[data-kpi="revenue"] span:contains("> +999 %")',
        },
        {
            content: "A ratio over nothing shows a dash (no invoice fell due), with its definition",
            trigger: '.o_sales_plus_cockpit_kpi[data-kpi="collection_rate"][title*="falling due"] .o_sales_plus_cockpit_kpi_value:contains("—")',
        },
        {
            content: "The salespeople add up to the total",
            trigger: ".o_sales_plus_cockpit_by_salesperson .o_sales_plus_cockpit_total td:contains(Total)",
        },
        {
            content: "Go to the previous period",
            trigger: ".o_sales_plus_cockpit_prev",
            run: "click",
        },
        {
            content: "The period changed to last month",
            trigger: ".o_sales_plus_cockpit_period:not(:contains(" + JSON.stringify(
                luxon.DateTime.local().startOf("month").toISODate()
            ) + "))",
        },
        {
            content: "Drill down from the revenue to the orders",
            trigger: '.o_sales_plus_cockpit_kpi[data-kpi="revenue"]',
            run: "click",
        },
        {
            content: "The orders behind the figure are listed",
            trigger: '.o_list_view .o_data_row:contains("Cockpit Tour Customer")',
        },
        {
            trigger: '.o_breadcrumb:contains("Orders")',
        },
    ],
});
