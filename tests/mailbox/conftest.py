from tests.service.conftest import service_world  # noqa: F401  the service categories, for 转为诉求
