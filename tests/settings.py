"""Test settings: the real settings with a throw-away data directory and fast password hashing."""

import os
import tempfile

os.environ.setdefault("DANGJIAN_DATA_DIR", os.path.join(tempfile.gettempdir(), "dangjian-test-data"))

from dangjian.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A tiny app that contributes to the platform only through the registry (tests/tinyapp).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.tinyapp"]  # noqa: F405
ROOT_URLCONF = "tests.urls"
