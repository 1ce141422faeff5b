import { localization } from "@web/core/l10n/localization";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_plus_cockpit_tour", {
    steps: () => [
        {
            content: "The cockpit shows this month's revenue",
            trigger: '.o_sales_plus_cockpit_kpi[data-kpi="revenue"] .o_sales_plus_cockpit_kpi_value:not(:contains("$ 0.00"))',
        },
        {
            content: "The customer figures follow the money figures: one customer this month",
            trigger: '.o_sales_plus_cockpit_kpi[data-kpi="customers"] .o_sales_plus_cockpit_kpi_value:contains(1)',
        },
        {
            content: "The products come with them",
            trigger: '.o_sales_plus_cockpit_top_products_margin td:contains("Cockpit Tour Product")',
        },
        {
            content: "And the customer segments",
            trigger: ".o_sales_plus_cockpit_by_segment tbody td:contains(200.00)",
        },
        {
            content: "The salesperson's row has the figures of both parts: revenue and new customers",
            trigger:
                ".o_sales_plus_cockpit_by_salesperson tbody tr:first-child" +
                ":has(td:nth-child(2):contains(200.00)):has(td:nth-child(5):contains(0))",
        },
        {
            content: "No placeholder left once both parts are in",
            trigger:
                ".o_sales_plus_cockpit:not(.o_sales_plus_cockpit_loading_customers)" +
                ":not(:has(.o_sales_plus_cockpit_part_loading))",
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

const salespeople = ".o_sales_plus_cockpit_by_salesperson";
const firstSeller = `${salespeople} tbody tr:first-child td:first-child`;

/** A manager reads the cockpit: charts, sortable rankings, pipeline, empty panels. */
registry.category("web_tour.tours").add("sales_plus_cockpit_manager_tour", {
    steps: () => [
        {
            content: "The salesperson ranking is drawn as bars",
            trigger: ".o_sales_plus_cockpit_ranking_chart canvas",
        },
        {
            content: "The target completion chart is drawn too",
            trigger: ".o_sales_plus_cockpit_target_chart canvas",
        },
        {
            content: "The top 10 salespeople only, and the others behind Show all",
            trigger: `${salespeople} tbody:has(tr:nth-child(10)):not(:has(tr:nth-child(11)))`,
        },
        {
            trigger: `${salespeople} .o_sales_plus_cockpit_show_all:contains(2)`,
            run: "click",
        },
        {
            content: "All 12 salespeople listed",
            trigger: `${salespeople} tbody:has(tr:nth-child(12))`,
        },
        {
            content: "Largest revenue first",
            trigger: `${firstSeller}:contains(Cockpit Seller 12)`,
        },
        {
            content: "Sort by name",
            trigger: `${salespeople} th[data-column="name"]`,
            run: "click",
        },
        {
            trigger: `${firstSeller}:contains(Cockpit Seller 01)`,
        },
        {
            content: "Sort by name again: Z to A",
            trigger: `${salespeople} th[data-column="name"]`,
            run: "click",
        },
        {
            trigger: `${firstSeller}:contains(Cockpit Seller 12)`,
        },
        {
            content: "Sort by target: the salesperson with a target first",
            trigger: `${salespeople} th[data-column="revenue_target"]`,
            run: "click",
        },
        {
            trigger: `${firstSeller}:contains(Cockpit Seller 03)`,
        },
        {
            content: "One unit per column: the whole revenue column in plain dollars",
            trigger: `${salespeople} tbody td:nth-child(2):contains(1,200.00)`,
        },
        {
            content: "The pipeline: the open quotation and its amount",
            trigger: '.o_sales_plus_cockpit_pipeline_figure[data-figure="open_quotations"] .o_sales_plus_cockpit_pipeline_value:contains(1)',
        },
        {
            trigger: '.o_sales_plus_cockpit_pipeline_figure[data-figure="open_quotations_amount"]:contains(777.00)',
        },
        {
            content: "Pick a period of long ago with Odoo's date picker",
            trigger: ".o_sales_plus_cockpit_date_from input.o_datetime_input",
            run: `edit ${luxon.DateTime.fromISO("2001-01-15").toFormat(localization.dateFormat)} && press Enter`,
        },
        {
            content: "January 2001",
            trigger: '.o_sales_plus_cockpit_period:contains("2001-01-01")',
        },
        {
            content: "Empty panels say so instead of bare headers",
            trigger: `${salespeople} .o_sales_plus_cockpit_empty`,
        },
        {
            trigger: ".o_sales_plus_cockpit_ranking_chart .o_sales_plus_cockpit_empty",
        },
        {
            trigger: ".o_sales_plus_cockpit_by_team:not(:has(table))",
        },
    ],
});
