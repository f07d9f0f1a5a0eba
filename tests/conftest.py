import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _session_weightlab_cache(tmp_path_factory):
    """Module and session fixtures cache into a temporary folder, never ~/.cache/weightlab."""
    before = os.environ.get("WEIGHTLAB_CACHE")
    os.environ["WEIGHTLAB_CACHE"] = str(tmp_path_factory.mktemp("weightlab-cache-session"))
    yield
    if before is None:
        os.environ.pop("WEIGHTLAB_CACHE", None)
    else:
        os.environ["WEIGHTLAB_CACHE"] = before


@pytest.fixture(autouse=True)
def _isolated_weightlab_cache(tmp_path_factory, monkeypatch):
    """Each test starts from its own empty cache folder."""
    monkeypatch.setenv("WEIGHTLAB_CACHE", str(tmp_path_factory.mktemp("weightlab-cache")))


@pytest.fixture(scope="session", autouse=True)
def _one_torch_thread():
    """Tests fit tiny models: on a busy 2-core machine two OpenMP threads wait on each other."""
    import torch

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.fixture
def chromium():
    """Debian's Chromium for the browser tests: skipped without it, failed in CI without it."""
    import shutil

    path = (
        os.environ.get("WEIGHTLAB_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if path is None:
        message = "no chromium: apt-get install -y chromium (or set WEIGHTLAB_CHROMIUM)"
        if os.environ.get("WEIGHTLAB_REQUIRE_BROWSER"):  # CI: a missing browser is a failure
            pytest.fail(message)
        pytest.skip(message)
    pytest.importorskip("playwright.sync_api")
    return path
