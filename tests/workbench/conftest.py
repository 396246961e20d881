"""The service fixtures (categories, a department and its user) for the 工作台 tests."""

from tests.service.conftest import department_user, service_world  # noqa: F401
