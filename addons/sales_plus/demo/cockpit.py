# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import random
from collections import defaultdict
from datetime import date, timedelta

from odoo import fields

from .foundation import QUIET, SEASON

_logger = logging.getLogger(__name__)

# (company, [(team, leader)]) of the demo, by XML id
DEMO_TEAMS = [
    (
        "base.main_company",
        [
            ("sales_plus.crm_team_east_demo", "sales_plus.res_users_team_leader_demo"),
            ("sales_plus.crm_team_south_west_demo", "base.user_admin"),
        ],
    ),
    (
        "sales_plus.res_company_shanghai_demo",
        [("sales_plus.crm_team_shanghai_demo", "sales_plus.res_users_team_leader_demo")],
    ),
]
# the target of a metric, as a share of the revenue target
METRIC_SHARES = {"revenue": 1.0, "margin": 0.4, "collected": 0.9}
# the team's revenue target of the current year against last year's revenue
GROWTH = 1.1


# ---- Generators ----


def generate_cockpit(env):
    """Invoices that follow the orders, payments that follow the invoices, a few
    credit notes, and the targets of each team and salesperson, so that the Sales
    Cockpit of a fresh demo database is populated. Deterministic."""
    rng = random.Random(6)
    for company_xmlid, teams in DEMO_TEAMS:
        company = env.ref(company_xmlid)
        company_env = env["res.company"].with_company(company).with_context(**QUIET).env
        # a company without a chart of accounts (the Shanghai one) gets Odoo's
        # generic one, so that its orders are invoiced and paid too
        if not company_env["account.journal"].search_count(
            [("type", "=", "sale"), ("company_id", "=", company.id)]
        ):
            currency = company.currency_id
            # (_load: try_loading warns when called while modules are being installed,
            # which is when demo data is loaded)
            env["account.chart.template"]._load("generic_coa", company, install_demo=False)
            # the generic chart sets USD: the company keeps its own currency (no entry yet)
            company.currency_id = currency
        _create_demo_invoices(company_env, rng, company)
        _assign_core_demo_documents(company_env, company)
        for team_xmlid, leader_xmlid in teams:
            _create_demo_targets(company_env, company, env.ref(team_xmlid), env.ref(leader_xmlid))


# ---- Helpers ----


def _assign_core_demo_documents(env, company):
    """Odoo's own demo invoices, credit notes and orders carry OdooBot or nobody as
    salesperson: they become the administrator's, in his team of the company, so
    that no cockpit row of the demo reads "OdooBot"; those of no order are
    cancelled."""
    nobody = (env.ref("base.user_root").id, False)
    admin = env.ref("base.user_admin")
    team = env["crm.team"].search(
        [
            ("company_id", "in", (company.id, False)),
            "|",
            ("user_id", "=", admin.id),
            ("member_ids", "in", admin.ids),
        ],
        limit=1,
    )
    env["account.move"].search(
        [
            ("company_id", "=", company.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("invoice_user_id", "in", nobody),
        ]
    ).write({"invoice_user_id": admin.id, "team_id": team.id})
    env["sale.order"].search([("company_id", "=", company.id), ("user_id", "in", nobody)]).write(
        {"user_id": admin.id, "team_id": team.id}
    )
    # Odoo's own demo invoices and credit notes that no order produced and nobody
    # paid are not part of the sales story (a credit note of no sale would show as
    # a negative salesperson): cancelled
    strays = env["account.move"].search(
        [
            ("company_id", "=", company.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
            ("payment_state", "=", "not_paid"),
            ("invoice_line_ids.sale_line_ids", "=", False),
            ("reversed_entry_id", "=", False),
        ]
    )
    strays = strays.filtered(lambda move: not move.reversal_move_ids)
    strays.button_draft()
    strays.button_cancel()


def _create_demo_invoices(env, rng, company):
    """One invoice per order, a few days after it: nearly all orders of more than
    six weeks, most of the last weeks, some of the last days. Most invoices are paid
    within their 30 days, some late, some are overdue; a few are refunded in part
    by a credit note of the order's salesperson."""
    today = fields.Date.context_today(env.user)
    orders = env["sale.order"].search(
        [("company_id", "=", company.id), ("state", "=", "sale"), ("invoice_status", "=", "to invoice")],
        order="date_order, id",
    )
    invoice_dates = {}
    for order in orders:
        age = (today - order.date_order.date()).days
        if rng.random() < (0.97 if age > 42 else 0.8 if age > 10 else 0.3):
            invoice_dates[order] = min(order.date_order.date() + timedelta(days=rng.randint(0, 6)), today)
    to_invoice = orders.browse([order.id for order in invoice_dates])
    invoices = to_invoice._create_invoices(grouped=True)
    by_date = defaultdict(lambda: env["account.move"])
    for invoice in invoices:
        order = invoice.line_ids.sale_line_ids.order_id[:1]
        by_date[invoice_dates[order]] |= invoice
    for invoice_date, moves in by_date.items():
        moves.invoice_date = invoice_date
    # posted in date order, so that their numbers follow their dates
    invoices = invoices.sorted(lambda m: (m.invoice_date, m.id))
    invoices.action_post()
    _logger.info("demo: %s invoices posted", len(invoices))
    # payments, a few weeks after their invoice
    payments = defaultdict(lambda: env["account.move"])
    for invoice in invoices:
        age = (today - invoice.invoice_date).days
        if rng.random() < (0.92 if age > 60 else 0.7 if age > 30 else 0.3):
            payment_date = invoice.invoice_date + timedelta(days=rng.choice((7, 14, 21, 28, 35, 49)))
            if payment_date < today:
                payments[payment_date] |= invoice
    for payment_date, moves in sorted(payments.items()):
        for invoice in moves:
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": payment_date})._create_payments()
    _logger.info("demo: %s invoices paid", sum(len(moves) for moves in payments.values()))
    # returned goods now and then: a credit note of a line of a paid invoice
    paid = invoices.filtered(lambda m: m.payment_state in ("paid", "in_payment"))
    for invoice in rng.sample(list(paid), min(4, len(paid))):
        refund_date = min(invoice.invoice_date + timedelta(days=rng.randint(10, 40)), today)
        refund = invoice._reverse_moves(
            [
                {
                    "ref": "Returned goods",
                    "invoice_date": refund_date,
                    "invoice_user_id": invoice.invoice_user_id.id,
                }
            ]
        )
        refund.invoice_line_ids[1:].unlink()
        refund.action_post()


def _create_demo_targets(env, company, team, leader):
    """One rule: the team leader sets his team's revenue target of the year
    (last year's revenue plus GROWTH, spread by the season weights), and each
    month's team target is shared equally by the members as their revenue target,
    their margin and collection targets a share of it (METRIC_SHARES)."""
    today = fields.Date.context_today(env.user)
    env.flush_all()
    last_year = env["sale.report"]._read_group(
        [
            ("team_id", "=", team.id),
            ("company_id", "=", company.id),
            ("state", "=", "sale"),
            ("date", ">=", date(today.year - 1, 1, 1)),
            ("date", "<", date(today.year, 1, 1)),
        ],
        [],
        ["price_subtotal:sum"],
    )[0][0]
    amount = round((last_year or 0.0) * GROWTH, -3)
    weights = [SEASON[month] for month in range(1, 13)]
    weights = [round(100 * w / sum(weights), 2) for w in weights]
    weights[-1] = round(100 - sum(weights[:-1]), 2)
    leader_env = env(user=leader)
    wizard = leader_env["sales_plus.target.spread.wizard"].create(
        {
            "company_id": company.id,
            "team_id": team.id,
            "metric": "revenue",
            "year": today.year,
            "amount": amount,
            "mode": "weights",
            **{f"weight_{month:02d}": weight for month, weight in enumerate(weights, start=1)},
        }
    )
    team_targets = leader_env["sales_plus.target"].search(wizard.action_spread()["domain"])
    members = team.member_ids
    leader_env["sales_plus.target"].create(
        [
            {
                "company_id": company.id,
                "user_id": member.id,
                "metric": metric,
                "period_type": "month",
                "date_from": target.date_from,
                "date_to": target.date_to,
                "amount": round(target.amount / len(members) * share, -1),
            }
            for target in team_targets
            for member in members
            for metric, share in METRIC_SHARES.items()
        ]
    )
