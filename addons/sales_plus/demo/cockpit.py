# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import random
from datetime import timedelta

from odoo import fields

from ..services import cockpit_pacing

# ---- Business methods ----


def generate_cockpit(env):
    """Invoices and payments for most delivered demo orders, and targets on
    and off pace for the demo salespeople and teams, so that the Sales
    Cockpit of a fresh demo database is populated. Deterministic."""
    rng = random.Random(6)
    company = env.ref("base.main_company")
    orders = env["sale.order"].search(
        [("company_id", "=", company.id), ("state", "=", "sale"), ("invoice_status", "=", "to invoice")],
        order="date_order",
    )
    _create_demo_invoices(env, rng, orders)
    _create_demo_targets(env, company)


def _create_demo_invoices(env, rng, orders):
    today = fields.Date.context_today(env.user)
    to_invoice = orders.filtered(lambda o: rng.random() < 0.8)
    invoices = to_invoice._create_invoices()
    for invoice in invoices:
        order = invoice.line_ids.sale_line_ids.order_id[:1]
        invoice.invoice_date = min(order.date_order.date() + timedelta(days=3), today)
    invoices.action_post()
    # most customers pay within a month; some invoices stay open and fall due
    paid = invoices.filtered(lambda m: rng.random() < 0.75 and m.invoice_date < today - timedelta(days=7))
    for invoice in paid:
        payment_date = min(invoice.invoice_date + timedelta(days=rng.randint(5, 35)), today)
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": payment_date})._create_payments()
    # one credit note, as customers return goods now and then
    if invoices:
        refund = invoices[-1]._reverse_moves([{"ref": "Returned goods", "invoice_date": today}])
        refund.invoice_line_ids[1:].unlink()
        refund.action_post()


def _create_demo_targets(env, company):
    """Monthly revenue, margin and collection targets: the East salesperson
    and team ahead of pace, the South and West ones behind it, and yearly
    revenue targets of the teams spread over months."""
    ref = env.ref
    today = fields.Date.context_today(env.user)
    month_start = cockpit_pacing.period_bounds("month", today)[0]
    cockpit = env["sales_plus.cockpit"].sudo().with_context(allowed_company_ids=company.ids)
    figures = {}
    for offset in range(-2, 1):
        start = cockpit_pacing.period_bounds("month", month_start + timedelta(days=31 * offset))[0]
        payload = cockpit.get_cockpit_data(
            {"company_id": company.id, "period_type": "month", "date_from": start}
        )
        figures[start] = {row["id"]: row for row in payload["by_salesperson"]}
    salespeople = {
        "sales_plus.res_users_team_leader_demo": 1.1,
        "sales_plus.res_users_salesperson_east_demo": 0.8,
        "sales_plus.res_users_salesperson_south_demo": 2.6,
        "sales_plus.res_users_salesperson_west_demo": 2.2,
    }
    vals_list = []
    for xmlid, factor in salespeople.items():
        user = ref(xmlid)
        for start, rows in figures.items():
            row = rows.get(user.id, {})
            end = cockpit_pacing.period_bounds("month", start)[1]
            # the target of past months is last month's actual, this month's
            # is set so that the salesperson is ahead of or behind pace
            revenue = row.get("revenue", 0.0)
            if start == month_start:
                elapsed = cockpit_pacing.pacing(1.0, 0.0, start, end, today)["elapsed"] or 1.0
                revenue = revenue / elapsed
            base = max(revenue * factor, 1000.0)
            for metric, share in (("revenue", 1.0), ("margin", 0.4), ("collected", 0.9)):
                vals_list.append(
                    {
                        "company_id": company.id,
                        "user_id": user.id,
                        "metric": metric,
                        "period_type": "month",
                        "date_from": start,
                        "date_to": end,
                        "amount": round(base * share, -2),
                    }
                )
    env["sales_plus.target"].create(vals_list)
    # team targets for the year, spread by seasonal weights
    weights = [6, 6, 8, 8, 8, 9, 8, 7, 9, 9, 10, 12]
    for xmlid, amount in (
        ("sales_plus.crm_team_east_demo", 120000.0),
        ("sales_plus.crm_team_south_west_demo", 150000.0),
    ):
        wizard = env["sales_plus.target.spread.wizard"].create(
            {
                "company_id": company.id,
                "team_id": ref(xmlid).id,
                "metric": "revenue",
                "year": today.year,
                "amount": amount,
                "mode": "weights",
                **{f"weight_{month:02d}": weight for month, weight in enumerate(weights, start=1)},
            }
        )
        wizard.action_spread()
