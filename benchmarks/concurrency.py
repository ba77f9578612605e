"""100 concurrent people through the real ``zavhoz run``: reply p50/p95 on SQLite and on
PostgreSQL + Redis (set ZAVHOZ_TEST_POSTGRES_URL and ZAVHOZ_TEST_REDIS_URL for the second).

    PYTHONPATH=src python benchmarks/concurrency.py
"""

import sys

import pytest

if __name__ == "__main__":
    sys.exit(pytest.main(["-q", "-s", "-p", "no:cacheprovider", "tests/e2e/test_concurrency.py"]))
