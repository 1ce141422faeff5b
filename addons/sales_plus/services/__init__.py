# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Framework-free business logic, importable without Odoo (unit-tested by
# tests/test_services_*.py at the project level).
