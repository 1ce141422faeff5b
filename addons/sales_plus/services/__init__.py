# Framework-free business logic, importable without Odoo (unit-tested by
# tests/test_services_*.py at the project level).
