"""Django 3.2's runner ignores unexpected successes; count them as failures,
so a test marked pending (see tests.py) fails the run once it passes."""
from django.test.runner import DiscoverRunner


class Runner(DiscoverRunner):
    def suite_result(self, suite, result, **kwargs):
        return super().suite_result(suite, result, **kwargs) + len(result.unexpectedSuccesses)
