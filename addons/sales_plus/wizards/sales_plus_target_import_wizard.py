# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
from datetime import date, datetime

from odoo import fields, models
from odoo.exceptions import UserError

from ..services import cockpit_pacing
from ..tools.cockpit_metrics import TARGET_METRIC_SELECTION

# the columns of the import file, as the XLSX export writes them
COLUMNS = ("salesperson", "team", "metric", "period_type", "date_from", "date_to", "amount")


class SalesPlusTargetImportWizard(models.TransientModel):
    _name = "sales_plus.target.import.wizard"
    _description = "Import Sales Targets from XLSX"

    # ---- Fields ----

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    file = fields.Binary(string="XLSX File")
    filename = fields.Char()

    # ---- Action methods ----

    def action_import(self):
        """Create every target of the file, or none: a file with any bad row is
        refused with the list of its bad rows."""
        self.ensure_one()
        rows = self._read_rows()
        vals_list, errors = self._parse_rows(rows)
        if errors:
            raise UserError(
                self.env._(
                    "Nothing was imported; fix these rows and import again:\n%(errors)s",
                    errors="\n".join(errors),
                )
            )
        targets = self.env["sales_plus.target"].create(vals_list)
        name = self.env._("Imported Targets")
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "sales_plus.target",
            "view_mode": "list,form",
            "domain": [("id", "in", targets.ids)],
        }

    # ---- Business methods ----

    def _read_rows(self):
        import openpyxl  # noqa: PLC0415 (a dependency of Odoo's own base_import)

        if not self.file:
            raise UserError(self.env._("Choose the XLSX file to import."))
        try:
            workbook = openpyxl.load_workbook(
                io.BytesIO(base64.b64decode(self.file)), read_only=True, data_only=True
            )
        except Exception as exc:
            raise UserError(self.env._("This file is not an XLSX workbook: %(error)s", error=exc)) from exc
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            raise UserError(self.env._("The workbook is empty."))
        header = tuple(str(c or "").strip().lower() for c in rows[0][: len(COLUMNS)])
        if header != COLUMNS:
            raise UserError(
                self.env._(
                    "The first row must hold the columns %(columns)s.",
                    columns=", ".join(COLUMNS),
                )
            )
        return [
            (index, row)
            for index, row in enumerate(rows[1:], start=2)
            if any(c not in (None, "") for c in row)
        ]

    def _parse_rows(self, rows):
        company = self.company_id
        metric_codes = {code for code, __ in TARGET_METRIC_SELECTION}
        metric_labels = {label.lower(): code for code, label in TARGET_METRIC_SELECTION}
        logins = {str(row[0]).strip() for __, row in rows if row[0]}
        users = self.env["res.users"].search([("login", "in", list(logins))])
        user_by_login = {u.login: u for u in users}
        team_names = {str(row[1]).strip() for __, row in rows if len(row) > 1 and row[1]}
        teams = self.env["crm.team"].search(
            [("name", "in", list(team_names)), ("company_id", "in", [company.id, False])]
        )
        team_by_name = {t.name: t for t in teams}
        vals_list, errors, keys = [], [], []
        for index, row in rows:
            row = tuple(row) + (None,) * (len(COLUMNS) - len(row))
            login, team_name, metric, period_type, start, end, amount = row[: len(COLUMNS)]
            problems = []
            user = user_by_login.get(str(login).strip()) if login else None
            team = team_by_name.get(str(team_name).strip()) if team_name else None
            if login and not user:
                problems.append(self.env._("unknown salesperson login %(login)s", login=login))
            if team_name and not team:
                problems.append(self.env._("unknown sales team %(team)s", team=team_name))
            if bool(login) == bool(team_name):
                problems.append(self.env._("give either a salesperson or a team"))
            metric = str(metric or "").strip()
            metric = metric if metric in metric_codes else metric_labels.get(metric.lower())
            if not metric:
                problems.append(self.env._("unknown metric %(metric)s", metric=row[2]))
            period_type = str(period_type or "").strip().lower()
            if period_type not in cockpit_pacing.PERIOD_TYPES:
                problems.append(self.env._("period type must be month, quarter or year"))
            start, end = self._to_date(start), self._to_date(end)
            if not start or not end:
                problems.append(self.env._("start and end must be dates"))
            elif end < start:
                problems.append(self.env._("end before start"))
            try:
                amount = float(amount)
            except (TypeError, ValueError):
                problems.append(self.env._("amount %(amount)s is not a number", amount=row[6]))
                amount = None
            if amount is not None and amount < 0:
                problems.append(self.env._("negative amount"))
            if problems:
                errors.append(
                    self.env._("Row %(row)s: %(problems)s", row=index, problems="; ".join(problems))
                )
                continue
            keys.append((index, user and user.id, team and team.id, metric, start, end))
            vals_list.append(
                {
                    "company_id": company.id,
                    "user_id": user and user.id,
                    "team_id": team and team.id,
                    "metric": metric,
                    "period_type": period_type,
                    "date_from": start,
                    "date_to": end,
                    "amount": amount,
                }
            )
        errors += self._overlap_errors(keys)
        return vals_list, errors

    def _overlap_errors(self, keys):
        """Rows overlapping another row of the file or an existing target."""
        errors = []
        if not keys:
            return errors
        existing = (
            self.env["sales_plus.target"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("date_from", "<=", max(k[5] for k in keys)),
                    ("date_to", ">=", min(k[4] for k in keys)),
                ]
            )
        )
        for position, (index, user_id, team_id, metric, start, end) in enumerate(keys):
            for other in keys[:position]:
                if other[1:4] == (user_id, team_id, metric) and other[4] <= end and start <= other[5]:
                    errors.append(
                        self.env._("Row %(row)s: overlaps row %(other)s", row=index, other=other[0])
                    )
                    break
            clash = existing.filtered(
                lambda t, u=user_id, tm=team_id, m=metric, s=start, e=end: (
                    t.user_id.id == (u or False)
                    and t.team_id.id == (tm or False)
                    and t.metric == m
                    and t.date_from <= e
                    and s <= t.date_to
                )
            )[:1]
            if clash:
                errors.append(
                    self.env._(
                        "Row %(row)s: overlaps the existing target %(target)s", row=index, target=clash.name
                    )
                )
        return errors

    @staticmethod
    def _to_date(value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return fields.Date.to_date(str(value).strip()[:10]) if value else None
        except ValueError:
            return None
