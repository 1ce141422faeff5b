import { Component, onWillStart, onWillUnmount, useEffect, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { formatCurrency } from "@web/core/currency";
import { DateTimeInput } from "@web/core/datetime/datetime_input";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { formatFloat } from "@web/core/utils/numbers";
import { nbsp } from "@web/core/utils/strings";

// changes beyond ±999 % read "> +999 %" / "< −999 %"
const MAX_CHANGE_PERCENT = 999;
// rows of a ranking shown before "Show all"
const TOP_N = 10;
// ten thousand: the unit of 万 / 萬
const WAN = 10000;
// the parts of the payload, in the order they are asked for (sales_plus.cockpit.PARTS):
// the money figures first (fast), then the customer figures
const MONEY = "money";
const CUSTOMERS = "customers";
// the tables whose rows both parts fill, matched by their drill-down key
const ROW_TABLES = ["by_salesperson", "by_team"];

function isDict(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A row's drill-down key as text, its fields sorted: what matches a row of each part. */
function rowKey(row) {
    const entries = Object.entries(row.key).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify(entries);
}

/**
 * ``payload`` with the keys of ``part`` added, as the server merges the parts
 * (sales_plus.cockpit._merge_parts): dictionaries merged key by key, the
 * salesperson and team rows matched by their ``key``, in the order of
 * ``payload`` (the rows only ``part`` has come last, in its order); a row one
 * side lacks is merged with that side's ``empty_row`` (its figures as zeros);
 * ``parts`` lists the parts merged; any other value of ``part`` replaces the
 * payload's. Neither argument is changed.
 */
export function mergeParts(payload, part) {
    const merged = { ...payload };
    for (const [name, value] of Object.entries(part)) {
        const current = merged[name];
        if (name === "parts") {
            merged[name] = [...(current || []), ...value];
        } else if (isDict(current) && isDict(value)) {
            merged[name] = mergeParts(current, value);
        } else if (ROW_TABLES.includes(name) && Array.isArray(current)) {
            const rows = new Map(value.map((row) => [rowKey(row), row]));
            const result = current.map((row) => {
                const key = rowKey(row);
                const other = rows.get(key) || part.empty_row || {};
                rows.delete(key);
                return mergeParts(row, other);
            });
            const added = [...rows.values()].map((row) => mergeParts(payload.empty_row || {}, row));
            merged[name] = [...result, ...added];
        } else {
            merged[name] = value;
        }
    }
    return merged;
}

/**
 * The one unit of a column of amounts, picked from its largest value: WAN when
 * ten thousands are asked for and the largest amount reaches 10,000, else 1
 * (services/money_format.py column_unit, the same rule for the exports).
 */
export function columnUnit(values, wanUnits) {
    const amounts = values.filter((v) => v !== false && v !== null && v !== undefined).map(Math.abs);
    return wanUnits && amounts.length && Math.max(...amounts) >= WAN ? WAN : 1;
}

/**
 * Sales Cockpit: KPI cards with comparisons, targets and pacing, charts and
 * rankings. Every figure comes from sales_plus.cockpit.get_cockpit_data (scoped
 * by the server to what the user may see) and drills down to its records; the
 * list of figures, their labels and formats come with it (the server's metric
 * registry, tools/cockpit_metrics.py).
 *
 * The payload comes in two parts: the money figures first, shown as soon as
 * they arrive, then the customer figures (customers, new customers, Pareto,
 * segments, products, categories, regions), merged into them; the sections of
 * the customer part show a placeholder until then.
 */
export class SalesCockpit extends Component {
    static template = "sales_plus.SalesCockpit";
    static components = { DateTimeInput };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.chartRef = useRef("trendChart");
        this.rankingRef = useRef("rankingChart");
        this.targetRef = useRef("targetChart");
        this.charts = [];
        // the number of the latest load(): the answers of an older one are dropped
        this.request = 0;
        const today = luxon.DateTime.local();
        this.state = useState({
            filters: {
                period_type: "month",
                date_from: today.startOf("month").toISODate(),
                date_to: today.endOf("month").toISODate(),
                company_id: false,
                team_id: false,
                user_id: false,
            },
            data: null,
            // per part of the payload: whether it is being loaded
            loading: { [MONEY]: true, [CUSTOMERS]: true },
            // amounts in units of ten thousand (万 / 萬), a per-user setting
            wanUnits: Boolean(user.settings.sales_plus_cockpit_wan_units),
            // per table: {column, asc} of its sort, and whether all rows show
            sort: {},
            showAll: {},
        });
        // opened on a given target, salesperson or team (e.g. from a target's
        // "Cockpit" button): start from the filters the action carries
        const action = this.props.action || {};
        const given = action.params?.date_from
            ? action.params
            : action.context?.sales_plus_cockpit_filters;
        if (given) {
            for (const key of Object.keys(this.state.filters)) {
                if (given[key] !== undefined && given[key] !== null) {
                    this.state.filters[key] = given[key];
                }
            }
        }
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
        });
        useEffect(
            () => this.renderCharts(),
            () => [this.state.data, this.state.wanUnits]
        );
        onWillUnmount(() => {
            // an answer still on its way is for nobody
            this.request++;
            this.destroyCharts();
        });
    }

    // ------------------------------------------------------------
    // Labels
    // ------------------------------------------------------------

    /** The KPI cards: the server's registry of figures (payload "metrics"). */
    get kpiCards() {
        return this.state.data.metrics.map((metric) => ({
            key: metric.key,
            label: metric.label,
            kind: metric.kind,
            drill: metric.drill,
            help: metric.help,
            lowerIsBetter: metric.lower_is_better,
        }));
    }

    /** The metrics targets measure (payload "target_metrics"), in their order. */
    get targetMetrics() {
        const cards = Object.fromEntries(this.kpiCards.map((card) => [card.key, card]));
        return this.state.data.target_metrics.map((key) => cards[key]);
    }

    /** The pipeline panel's figures (payload "pipeline_metrics"). */
    get pipelineCards() {
        return this.state.data.pipeline_metrics.map((metric) => ({
            key: metric.key,
            label: metric.label,
            kind: metric.kind,
            drill: metric.drill,
            help: metric.help,
        }));
    }

    /** What the sections of a part still loading show. */
    get customersLoadingText() {
        return _t("Loading customer figures…");
    }

    /** Whether the customer part is still on its way (its sections wait for it). */
    get customersPending() {
        return this.state.loading[CUSTOMERS];
    }

    /**
     * Whether a figure of the payload is still on its way: missing from the
     * part loaded so far while the other one is loading (the customer figures
     * of the KPI cards, of the targets and of the salesperson and team rows).
     */
    pending(value) {
        return value === undefined && this.customersPending;
    }

    /**
     * The tables: their rows in the payload, columns (sortable: click a
     * header), drill-down of a row, total line and what they say when empty.
     * ``part``: the part of the payload a table's rows (or a column's figures)
     * come from; they show a placeholder while it loads.
     */
    get tables() {
        const data = this.state.data;
        const kpis = data.kpis.current;
        const targetOnly = (key) => (row) => (row.revenue_target ? row[key] : false);
        const noOrders = _t("No orders in this period.");
        const labels = Object.fromEntries(data.metrics.map((metric) => [metric.key, metric.label]));
        const newCustomers = {
            key: "new_customers",
            label: labels.new_customers,
            kind: "count",
            part: CUSTOMERS,
        };
        const pareto = data.pareto || {};
        return [
            {
                key: "by_salesperson",
                title: _t("Top salespeople"),
                rows: data.by_salesperson,
                drill: (row) => this.drill("orders", row.key),
                empty: noOrders,
                columns: [
                    { key: "name", label: _t("Salesperson"), kind: "text" },
                    { key: "revenue", label: _t("Revenue"), kind: "money" },
                    { key: "margin_pct", label: _t("Margin %"), kind: "percent" },
                    { key: "collected", label: _t("Collected"), kind: "money" },
                    newCustomers,
                    { key: "revenue_target", label: _t("Target"), kind: "money", value: targetOnly("revenue_target") },
                    {
                        key: "revenue_completion",
                        label: _t("Completion"),
                        kind: "percent",
                        value: targetOnly("revenue_completion"),
                    },
                ],
                total: {
                    revenue: kpis.revenue,
                    margin_pct: kpis.margin_pct,
                    collected: kpis.collected,
                    new_customers: kpis.new_customers,
                },
            },
            {
                key: "by_team",
                title: _t("Sales teams"),
                rows: data.by_team,
                drill: (row) => this.drill("orders", row.key),
                empty: noOrders,
                columns: [
                    { key: "name", label: _t("Team"), kind: "text" },
                    { key: "revenue", label: _t("Revenue"), kind: "money" },
                    newCustomers,
                    { key: "revenue_target", label: _t("Team target"), kind: "money", value: targetOnly("revenue_target") },
                    {
                        key: "revenue_member_target",
                        label: _t("Sum of member targets"),
                        kind: "money",
                        value: (row) => row.revenue_member_target || false,
                    },
                    {
                        key: "revenue_completion",
                        label: _t("Completion"),
                        kind: "percent",
                        value: targetOnly("revenue_completion"),
                    },
                ],
                total: { revenue: kpis.revenue, new_customers: kpis.new_customers },
            },
            {
                key: "top_products_margin",
                title: _t("Top products by margin"),
                part: CUSTOMERS,
                rows: data.top_products_margin || [],
                drill: (row) => this.drill("orders", { product_id: row.id }),
                empty: _t("No products sold in this period."),
                columns: [
                    { key: "name", label: _t("Product"), kind: "text" },
                    { key: "revenue", label: _t("Revenue"), kind: "money" },
                    { key: "margin", label: _t("Gross Margin"), kind: "money" },
                    { key: "margin_pct", label: _t("Margin %"), kind: "percent" },
                ],
            },
            {
                key: "by_category",
                title: _t("Product categories"),
                part: CUSTOMERS,
                rows: data.by_category || [],
                drill: (row) => this.drill("orders", { categ_id: row.id }),
                empty: _t("No products sold in this period."),
                columns: [
                    { key: "name", label: _t("Category"), kind: "text" },
                    { key: "revenue", label: _t("Revenue"), kind: "money" },
                    { key: "margin_pct", label: _t("Margin %"), kind: "percent" },
                ],
            },
            {
                key: "by_region",
                title: _t("Regions"),
                part: CUSTOMERS,
                rows: data.by_region || [],
                drill: (row) => this.drill("orders", row.key),
                empty: noOrders,
                columns: [
                    { key: "name", label: _t("Country / State"), kind: "text" },
                    { key: "revenue", label: _t("Revenue"), kind: "money" },
                    { key: "orders", label: _t("Orders"), kind: "count" },
                    { key: "invoiced", label: _t("Invoiced"), kind: "money" },
                ],
            },
            {
                key: "pareto",
                title: _t("Customer Pareto"),
                part: CUSTOMERS,
                subtitle: pareto.customers
                    ? _t("%(count)s of %(total)s customers make 80% of the revenue", {
                          count: pareto.pareto_count,
                          total: pareto.customers,
                      })
                    : "",
                rows: pareto.rows || [],
                drill: (row) => this.drill("orders", { partner_id: row.id }),
                empty: _t("No customers in this period."),
                columns: [
                    { key: "name", label: _t("Customer"), kind: "text" },
                    { key: "revenue", label: _t("Revenue"), kind: "money" },
                    { key: "share", label: _t("Share"), kind: "percent" },
                    { key: "cumulative_share", label: _t("Cumulative"), kind: "percent" },
                ],
            },
            ...[
                ["by_segment", _t("Customer segments"), _t("Segment")],
                ["by_abc", _t("ABC classes"), _t("ABC class")],
            ].map(([key, title, label]) => ({
                key,
                title,
                part: CUSTOMERS,
                rows: data[key] || [],
                drill: (row) => this.drill("orders", row.key),
                empty: noOrders,
                columns: [
                    { key: "name", label, kind: "text" },
                    { key: "revenue", label: _t("Revenue"), kind: "money" },
                    { key: "orders", label: _t("Orders"), kind: "count" },
                    { key: "margin_pct", label: _t("Margin %"), kind: "percent" },
                    { key: "customers", label: _t("Customers"), kind: "count" },
                    { key: "revenue_last_year", label: _t("Last Year"), kind: "money" },
                ],
            })),
        ];
    }

    /** Whether the part of the payload a table or a column comes from is still loading. */
    partPending(item) {
        return Boolean(item.part) && this.state.loading[item.part];
    }

    /** A cell's value: the column's own reading of the row, or the row's figure. */
    cellValue(column, row) {
        return column.value ? column.value(row) : row[column.key];
    }

    /**
     * What a table shows: its rows sorted as asked (the server's order until a
     * header is clicked), the first TOP_N until "Show all"; with each money
     * column's unit, picked from the largest value it shows (total included).
     */
    view(table) {
        const sort = this.state.sort[table.key];
        let rows = [...table.rows];
        if (sort) {
            const column = table.columns.find((c) => c.key === sort.column);
            const key = (row) => {
                const value = this.cellValue(column, row);
                return value === false || value === null || value === undefined ? null : value;
            };
            rows.sort((a, b) => {
                const [x, y] = [key(a), key(b)];
                if (x === y) {
                    return 0;
                }
                if (x === null || y === null) {
                    return x === null ? 1 : -1; // no value last, either way
                }
                const order = typeof x === "string" ? x.localeCompare(y) : x - y;
                return sort.asc ? order : -order;
            });
        }
        const more = rows.length > TOP_N && !this.state.showAll[table.key];
        const shown = more ? rows.slice(0, TOP_N) : rows;
        const units = {};
        for (const column of table.columns) {
            if (column.kind === "money") {
                const values = shown.map((row) => this.cellValue(column, row));
                if (table.total && column.key in table.total) {
                    values.push(table.total[column.key]);
                }
                units[column.key] = columnUnit(values, this.state.wanUnits);
            }
        }
        return { rows: shown, more, hidden: rows.length - shown.length, units };
    }

    sortBy(table, column) {
        const sort = this.state.sort[table.key];
        // a first click sorts names A → Z and figures largest first
        const asc = sort && sort.column === column.key ? !sort.asc : column.kind === "text";
        this.state.sort[table.key] = { column: column.key, asc };
    }

    sortIcon(table, column) {
        const sort = this.state.sort[table.key];
        if (!sort || sort.column !== column.key) {
            return "fa fa-sort text-muted opacity-50";
        }
        return sort.asc ? "fa fa-sort-asc" : "fa fa-sort-desc";
    }

    showAllLabel(hidden) {
        return _t("Show all (%(count)s more)", { count: hidden });
    }

    toggleShowAll(table) {
        this.state.showAll[table.key] = !this.state.showAll[table.key];
    }

    /** The targets table's unit per column: from its money figures only. */
    get targetUnits() {
        const totals = this.state.data.targets.totals;
        const money = this.targetMetrics.filter((metric) => metric.kind === "money" && totals[metric.key]);
        return Object.fromEntries(
            ["target", "actual", "expected", "forecast"].map((field) => [
                field,
                columnUnit(
                    money.map((metric) => totals[metric.key][field]),
                    this.state.wanUnits
                ),
            ])
        );
    }

    get periodTypes() {
        return [
            { key: "month", label: _t("Month") },
            { key: "quarter", label: _t("Quarter") },
            { key: "year", label: _t("Year") },
            { key: "custom", label: _t("Custom") },
        ];
    }

    // ------------------------------------------------------------
    // Data
    // ------------------------------------------------------------

    /**
     * Loads the payload of the filters: the money part, shown at once (the
     * promise resolves then), then the customer part, merged into it. An answer
     * to an older load (the filters changed meanwhile) is dropped.
     */
    async load() {
        const request = ++this.request;
        this.state.loading[MONEY] = true;
        this.state.loading[CUSTOMERS] = true;
        const money = await this.loadPart(MONEY, { ...this.state.filters });
        if (request !== this.request) {
            return;
        }
        Object.assign(this.state.filters, money.filters);
        this.payload = money;
        this.state.data = money;
        this.state.loading[MONEY] = false;
        // not awaited: the money figures are usable meanwhile
        this.loadCustomers(request, money.filters);
    }

    async loadCustomers(request, filters) {
        const customers = await this.loadPart(CUSTOMERS, filters);
        if (request !== this.request) {
            return;
        }
        const payload = mergeParts(this.payload, customers);
        payload.parts = [...this.payload.parts, ...customers.parts];
        this.payload = payload;
        this.state.data = payload;
        this.state.loading[CUSTOMERS] = false;
    }

    loadPart(part, filters) {
        return this.orm.call("sales_plus.cockpit", "get_cockpit_data", [filters], { part });
    }

    async onFilterChange(field, ev) {
        const value = ev.target.value;
        this.state.filters[field] = ["company_id", "team_id", "user_id"].includes(field)
            ? parseInt(value) || false
            : value;
        if (field === "company_id") {
            this.state.filters.team_id = false;
            this.state.filters.user_id = false;
        }
        await this.load();
    }

    /** A date of the period picked in Odoo's date picker (a luxon date or false). */
    async onDateApply(field, value) {
        if (!value) {
            return;
        }
        this.state.filters[field] = value.toISODate();
        await this.load();
    }

    get dateFrom() {
        return luxon.DateTime.fromISO(this.state.filters.date_from);
    }

    get dateTo() {
        return luxon.DateTime.fromISO(this.state.filters.date_to);
    }

    async shiftPeriod(step) {
        const filters = this.state.filters;
        const from = luxon.DateTime.fromISO(filters.date_from);
        const to = luxon.DateTime.fromISO(filters.date_to);
        if (filters.period_type === "custom") {
            const days = to.diff(from, "days").days + 1;
            filters.date_from = from.plus({ days: step * days }).toISODate();
            filters.date_to = to.plus({ days: step * days }).toISODate();
        } else {
            const unit = { month: "months", quarter: "quarters", year: "years" }[filters.period_type];
            filters.date_from = from.plus({ [unit]: step }).toISODate();
        }
        await this.load();
    }

    // ------------------------------------------------------------
    // Formatting
    // ------------------------------------------------------------

    /**
     * A figure as text; "—" when it has no value (the server sends false for a
     * ratio whose denominator is zero). ``unit``: the unit of the column an
     * amount is in (1 or 10000, see columnUnit); without it (a card, a figure
     * of its own) the amount's own.
     */
    format(value, kind, unit = undefined) {
        if (value === null || value === undefined || value === false) {
            return "—";
        }
        if (kind === "percent") {
            return `${(value * 100).toFixed(1)} %`;
        }
        if (kind === "count") {
            return Math.round(value).toLocaleString();
        }
        if (kind === "days") {
            return formatFloat(value, { digits: [false, 1] });
        }
        if (unit === undefined) {
            unit = columnUnit([value], this.state.wanUnits);
            if (unit === 1 && !this.state.wanUnits) {
                return formatCurrency(value, this.state.data.currency.id, { humanReadable: true });
            }
        }
        return unit === WAN ? this.formatWan(value) : formatCurrency(value, this.state.data.currency.id);
    }

    /**
     * An amount in units of ten thousand, the unit word in the user's language:
     * 123456 → "¥ 12.35万" (zh_CN), "NT$ 12.35萬" (zh_TW), "$ 12.35×10k" (en_US).
     */
    formatWan(value) {
        const { symbol, position } = this.state.data.currency;
        const amount = formatFloat(value / WAN, { digits: [false, 2] }) + _t("×10k");
        return position === "after" ? `${amount}${nbsp}${symbol}` : `${symbol}${nbsp}${amount}`;
    }

    async toggleWanUnits() {
        const wanUnits = !this.state.wanUnits;
        await user.setUserSettings("sales_plus_cockpit_wan_units", wanUnits);
        this.state.wanUnits = wanUnits;
    }

    /** Change against a comparison value: {cls, arrow, text}. */
    delta(current, reference, lowerIsBetter = false) {
        if (current === false || reference === false) {
            // a ratio without a value on one side: nothing to compare
            return { cls: "text-muted", arrow: "", text: "—" };
        }
        if (!reference) {
            return { cls: "text-muted", arrow: "", text: current ? _t("new") : "—" };
        }
        const change = (current - reference) / Math.abs(reference);
        const up = change >= 0;
        const good = lowerIsBetter ? !up : up;
        return {
            cls: Math.abs(change) < 0.0005 ? "text-muted" : good ? "text-success" : "text-danger",
            arrow: up ? "fa-arrow-up" : "fa-arrow-down",
            text: this.formatChange(change),
        };
    }

    /** A relative change as text: "+12.3 %", "> +999 %" and "< −999 %" beyond ±999 %. */
    formatChange(change) {
        const percent = change * 100;
        if (percent > MAX_CHANGE_PERCENT) {
            return `> +${MAX_CHANGE_PERCENT} %`;
        }
        if (percent < -MAX_CHANGE_PERCENT) {
            return `< −${MAX_CHANGE_PERCENT} %`;
        }
        return `${percent < 0 ? "−" : "+"}${Math.abs(percent).toFixed(1)} %`;
    }

    paceClass(figures) {
        if (!figures.target) {
            return "bg-secondary";
        }
        if (figures.pace === false || figures.pace >= 1) {
            return "bg-success";
        }
        return figures.pace >= 0.8 ? "bg-warning" : "bg-danger";
    }

    // ------------------------------------------------------------
    // Drill-down, export
    // ------------------------------------------------------------

    async drill(kind, key = {}) {
        const action = await this.orm.call("sales_plus.cockpit", "get_drilldown_action", [
            this.state.filters,
            kind,
            key,
        ]);
        await this.action.doAction(action);
    }

    async exportXlsx() {
        const action = await this.orm.call("sales_plus.cockpit", "action_export_xlsx", [this.state.filters]);
        await this.action.doAction(action);
    }

    async printPdf() {
        const action = await this.orm.call("sales_plus.cockpit", "action_print_pdf", [this.state.filters]);
        await this.action.doAction(action);
    }

    // ------------------------------------------------------------
    // Chart
    // ------------------------------------------------------------

    destroyCharts() {
        for (const chart of this.charts) {
            chart.destroy();
        }
        this.charts = [];
    }

    /**
     * A value axis in the currency, in the unit of the chart's largest amount
     * (the tables' rule): "¥ 20万", "$ 250k".
     */
    moneyAxis(values) {
        const unit = columnUnit(values, this.state.wanUnits);
        return {
            beginAtZero: true,
            ticks: {
                callback: (value) =>
                    unit === WAN
                        ? this.formatWan(value)
                        : formatCurrency(value, this.state.data.currency.id, { humanReadable: true }),
            },
        };
    }

    moneyTooltip() {
        return {
            callbacks: {
                label: (context) => `${context.dataset.label}: ${this.format(context.parsed[context.chart.options.indexAxis === "y" ? "x" : "y"], "money")}`,
            },
        };
    }

    renderCharts() {
        this.destroyCharts();
        if (!this.state.data) {
            return;
        }
        if (this.chartRef.el) {
            this.renderTrendChart();
        }
        if (this.rankingRef.el) {
            this.renderRankingChart();
        }
        if (this.targetRef.el) {
            this.renderTargetChart();
        }
    }

    renderTrendChart() {
        const trend = this.state.data.trend;
        const labels = Object.fromEntries(this.state.data.metrics.map((metric) => [metric.key, metric.label]));
        const series = ["revenue", "collected", "revenue_last_year", "margin"].map((key) => trend.map((t) => t[key]));
        this.charts.push(
            new Chart(this.chartRef.el, {
                type: "bar",
                data: {
                    labels: trend.map((t) => t.label),
                    datasets: [
                        { type: "bar", label: labels.revenue, data: series[0], backgroundColor: "#4a90d9" },
                        { type: "bar", label: labels.collected, data: series[1], backgroundColor: "#5cb85c" },
                        {
                            type: "line",
                            label: _t("Revenue, same period last year"),
                            data: series[2],
                            borderColor: "#999999",
                            backgroundColor: "#999999",
                            borderDash: [4, 4],
                            pointRadius: 0,
                        },
                        {
                            type: "line",
                            label: labels.margin,
                            data: series[3],
                            borderColor: "#f0ad4e",
                            backgroundColor: "#f0ad4e",
                            pointRadius: 0,
                        },
                    ],
                },
                options: {
                    maintainAspectRatio: false,
                    animation: false,
                    scales: { y: this.moneyAxis(series.flat()) },
                    plugins: { legend: { position: "bottom" }, tooltip: this.moneyTooltip() },
                },
            })
        );
    }

    /** The salespeople of the period (their own rows, not "Unassigned"). */
    get rankedSalespeople() {
        return this.state.data.by_salesperson
            .filter((row) => row.id)
            .sort((a, b) => (b.revenue || 0) - (a.revenue || 0))
            .slice(0, TOP_N);
    }

    /** The salespeople with a revenue target in the period. */
    get targetedSalespeople() {
        return this.state.data.by_salesperson.filter((row) => row.id && row.revenue_target).slice(0, TOP_N);
    }

    /** Salesperson ranking: revenue by salesperson, largest first (horizontal bars). */
    renderRankingChart() {
        const rows = this.rankedSalespeople;
        const revenue = rows.map((row) => row.revenue);
        this.charts.push(
            new Chart(this.rankingRef.el, {
                type: "bar",
                data: {
                    labels: rows.map((row) => row.name),
                    datasets: [{ label: _t("Revenue"), data: revenue, backgroundColor: "#4a90d9" }],
                },
                options: {
                    indexAxis: "y",
                    maintainAspectRatio: false,
                    animation: false,
                    scales: { x: this.moneyAxis(revenue) },
                    plugins: { legend: { display: false }, tooltip: this.moneyTooltip() },
                },
            })
        );
    }

    /**
     * Target completion: each salesperson's revenue against their target (a
     * bullet chart: the target a wide grey bar, the actual a narrow one in it,
     * green when reached), completion in the tooltip.
     */
    renderTargetChart() {
        const rows = this.targetedSalespeople;
        const targets = rows.map((row) => row.revenue_target);
        const actuals = rows.map((row) => row.revenue);
        this.charts.push(
            new Chart(this.targetRef.el, {
                type: "bar",
                data: {
                    labels: rows.map((row) => row.name),
                    datasets: [
                        {
                            label: _t("Revenue"),
                            data: actuals,
                            backgroundColor: rows.map((row) => (row.revenue >= row.revenue_target ? "#5cb85c" : "#4a90d9")),
                            barPercentage: 0.4,
                            grouped: false,
                            order: 1,
                        },
                        {
                            label: _t("Target"),
                            data: targets,
                            backgroundColor: "#dddddd",
                            barPercentage: 0.9,
                            grouped: false,
                            order: 2,
                        },
                    ],
                },
                options: {
                    indexAxis: "y",
                    maintainAspectRatio: false,
                    animation: false,
                    scales: { x: this.moneyAxis([...targets, ...actuals]) },
                    plugins: {
                        legend: { position: "bottom" },
                        tooltip: {
                            callbacks: {
                                label: (context) => `${context.dataset.label}: ${this.format(context.parsed.x, "money")}`,
                                footer: (items) =>
                                    items.length
                                        ? _t("Completion: %(completion)s", {
                                              completion: this.format(rows[items[0].dataIndex].revenue_completion, "percent"),
                                          })
                                        : "",
                            },
                        },
                    },
                },
            })
        );
    }
}

registry.category("actions").add("sales_plus.cockpit", SalesCockpit);
