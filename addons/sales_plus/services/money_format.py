# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Number formats of money cells in XLSX exports.

Framework-free (unit-tested by tests/test_services_money_format.py): the
currency's symbol, its position and its number of decimals in, an Excel number
format out.
"""


def xlsx_currency_format(symbol, position, decimal_places):
    """Excel number format showing an amount as the currency does.

    The symbol is quoted: letters such as the N and T of "NT$" are format codes
    in Excel, and a currency without decimals (TWD) gets no decimal point::

        xlsx_currency_format("¥", "before", 2)   -> '"¥"#,##0.00'
        xlsx_currency_format("NT$", "before", 0) -> '"NT$"#,##0'
        xlsx_currency_format("€", "after", 2)    -> '#,##0.00 "€"'
    """
    number = "#,##0" + ("." + "0" * decimal_places if decimal_places > 0 else "")
    if not symbol:
        return number
    quoted = '"{}"'.format(symbol.replace('"', ""))
    return f"{quoted}{number}" if position == "before" else f"{number} {quoted}"
