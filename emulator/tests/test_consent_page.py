"""The consent page in a real headless Chromium: open consent_url, click Approve, and the
session is approved (poll shows the delivery bundle)."""

import base64
import hashlib
import shutil
import tempfile

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey


def chromium_driver():
    webdriver = pytest.importorskip("selenium.webdriver")
    chrome = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if not chrome or not driver:
        pytest.skip("chromium and chromium-driver (Debian) are needed for the browser test")
    profile = tempfile.mkdtemp(prefix="foil-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chrome
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    from selenium.webdriver.chrome.service import Service

    return webdriver.Chrome(service=Service(driver), options=options), profile


def create_session(emulator):
    pub = X25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    enc = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()  # noqa: E731
    delivery = {"version": 1, "algorithm": "x25519-hkdf-sha256/aes-256-gcm",
                "key_id": enc(hashlib.sha256(pub).digest()), "public_key": enc(pub)}
    with emulator.client(False) as c:
        return c.post("/v1/gate/sessions", json={"service_id": "foil", "account_name": "browser <test>",
                                                 "delivery": delivery}).json()["data"]


@pytest.mark.parametrize("button,status", [("approve", "approved"), ("deny", "rejected")])
def test_click_in_headless_chromium(emulator, button, status):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    session = create_session(emulator)
    driver, profile = chromium_driver()
    try:
        driver.get(session["consent_url"])
        assert "Sign up to Foil" in driver.title
        assert driver.find_element(By.ID, "account").text == "browser <test>"  # escaped HTML
        driver.find_element(By.ID, button).click()
        WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.ID, "status")))
        assert driver.find_element(By.ID, "status").get_attribute("data-status") == status
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    with emulator.client(False) as c:
        polled = c.get(f"/v1/gate/sessions/{session['id']}",
                       headers={"Authorization": f"Bearer {session['poll_token']}"}).json()["data"]
    assert polled["status"] == status
    assert ("delivery_bundle" in polled) == (status == "approved")


def test_forged_form_is_refused(emulator):
    session = create_session(emulator)
    with emulator.client(False) as c:
        r = c.post("/gate/decision", data={"session": session["id"], "token": "gtappr_forged",
                                           "decision": "approve"})
        assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")
        r = c.get("/gate", params={"session": "gate_unknown"})
        assert r.status_code == 404
