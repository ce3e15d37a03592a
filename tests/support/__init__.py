"""Helpers shared by the test suite; see tests/conftest.py for the contract.

- `services`: REQUIRE_SERVICES rules, where PostgreSQL and Redis are, `unavailable()`.
- `databases`: alembic upgrade/downgrade of any URL, throwaway PostgreSQL databases,
  emptying every table, pointing the app at a database.
- `processes`: free ports, bounded waiting, the project's subprocess environment, process
  trees (to prove nothing is left running).
"""
