"""What every test can count on (tissage/pytest_plugin.py, tissage/conftest.py), whatever
ran before it in its process: pytest-xdist changes the order from run to run."""

from django.core.cache import cache

# The two tests run in this order, in one process: pytest-xdist runs a file's tests
# together (--dist loadfile, pyproject.toml).


def test_a_test_leaves_a_value_in_the_cache():
    cache.set("left-by-a-test", 1)
    assert cache.get("left-by-a-test") == 1


def test_the_next_test_starts_with_an_empty_cache():
    assert cache.get("left-by-a-test") is None
