import { Component, onWillStart, onWillUnmount, useEffect, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { formatCurrency } from "@web/core/currency";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { formatFloat } from "@web/core/utils/numbers";
import { nbsp } from "@web/core/utils/strings";

// changes beyond ±999 % read "> +999 %" / "< −999 %"
const MAX_CHANGE_PERCENT = 999;

/**
 * Sales Cockpit: KPI cards with comparisons, targets and pacing, charts and
 * rankings. Every figure comes from sales_plus.cockpit.get_cockpit_data (scoped
 * by the server to what the user may see) and drills down to its records; the
 * list of figures, their labels and formats come with it (the server's metric
 * registry, tools/cockpit_metrics.py).
 */
export class SalesCockpit extends Component {
    static template = "sales_plus.SalesCockpit";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.chartRef = useRef("trendChart");
        this.chart = null;
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
            loading: true,
            // amounts in units of ten thousand (万 / 萬), a per-user setting
            wanUnits: Boolean(user.settings.sales_plus_cockpit_wan_units),
        });
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
        });
        useEffect(
            () => this.renderChart(),
            () => [this.state.data]
        );
        onWillUnmount(() => this.chart && this.chart.destroy());
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

    async load() {
        this.state.loading = true;
        const data = await this.orm.call("sales_plus.cockpit", "get_cockpit_data", [this.state.filters]);
        Object.assign(this.state.filters, data.filters);
        this.state.data = data;
        this.state.loading = false;
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
     * ratio whose denominator is zero).
     */
    format(value, kind) {
        if (value === null || value === undefined || value === false) {
            return "—";
        }
        if (kind === "percent") {
            return `${(value * 100).toFixed(1)} %`;
        }
        if (kind === "count") {
            return Math.round(value).toLocaleString();
        }
        if (this.state.wanUnits) {
            return Math.abs(value) >= 10000
                ? this.formatWan(value)
                : formatCurrency(value, this.state.data.currency.id);
        }
        return formatCurrency(value, this.state.data.currency.id, { humanReadable: true });
    }

    /**
     * An amount in units of ten thousand, the unit word in the user's language:
     * 123456 → "¥ 12.35万" (zh_CN), "NT$ 12.35萬" (zh_TW), "$ 12.35×10k" (en_US).
     */
    formatWan(value) {
        const { symbol, position } = this.state.data.currency;
        const amount = formatFloat(value / 10000, { digits: [false, 2] }) + _t("×10k");
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

    renderChart() {
        if (!this.chartRef.el || !this.state.data) {
            return;
        }
        if (this.chart) {
            this.chart.destroy();
        }
        const trend = this.state.data.trend;
        const labels = Object.fromEntries(this.state.data.metrics.map((metric) => [metric.key, metric.label]));
        this.chart = new Chart(this.chartRef.el, {
            type: "bar",
            data: {
                labels: trend.map((t) => t.label),
                datasets: [
                    { type: "bar", label: labels.revenue, data: trend.map((t) => t.revenue), backgroundColor: "#4a90d9" },
                    { type: "bar", label: labels.collected, data: trend.map((t) => t.collected), backgroundColor: "#5cb85c" },
                    {
                        type: "line",
                        label: _t("Revenue, same period last year"),
                        data: trend.map((t) => t.revenue_last_year),
                        borderColor: "#999999",
                        backgroundColor: "#999999",
                        borderDash: [4, 4],
                        pointRadius: 0,
                    },
                    {
                        type: "line",
                        label: labels.margin,
                        data: trend.map((t) => t.margin),
                        borderColor: "#f0ad4e",
                        backgroundColor: "#f0ad4e",
                        pointRadius: 0,
                    },
                ],
            },
            options: {
                maintainAspectRatio: false,
                animation: false,
                scales: { y: { beginAtZero: true } },
                plugins: { legend: { position: "bottom" } },
            },
        });
    }
}

registry.category("actions").add("sales_plus.cockpit", SalesCockpit);
