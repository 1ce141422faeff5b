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


# ---- Units of ten thousand (万 / 萬) ----

# the languages whose readers count amounts in ten thousands by default
WAN_LANGUAGES = ("zh_CN", "zh_TW", "zh_HK")
WAN = 10000


def wan_units_default(lang):
    """Whether amounts are shown in ten thousands by default for ``lang``::

    wan_units_default("zh_CN") -> True
    wan_units_default("en_US") -> False
    """
    return lang in WAN_LANGUAGES


def column_unit(values, wan_units):
    """The one unit of a column of amounts, picked from its largest value: 10000
    when ten thousands are asked for and the largest amount (in absolute value)
    reaches 10,000, else 1. Values without an amount (False, None) are skipped::

        column_unit([249600, 510], True)  -> 10000   (24.96万 beside 0.05万)
        column_unit([9999, 510], True)    -> 1
        column_unit([249600, 510], False) -> 1
    """
    amounts = [abs(value) for value in values if value not in (None, False)]
    return WAN if wan_units and amounts and max(amounts) >= WAN else 1
