"""The status page of the tutorial's example configuration in a real browser (headless
chromium): it renders, and its chart takes in the requests the test sends."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from support.httpclient import get

WAIT = 20


def test_status_page_renders_and_its_chart_follows_the_requests(tutorial, browser):
    server, _ = tutorial
    browser.get(server.url + "server-status")
    assert browser.title == "Server status for localhost"
    rows = browser.find_elements(By.CSS_SELECTOR, "#workers tr")
    assert len(rows) == 2               # heading + the one worker (--single)
    chart = browser.find_element(By.ID, "chart")
    WebDriverWait(browser, WAIT).until(lambda b: int(chart.get_attribute("data-points")) >= 1)
    points_before = int(chart.get_attribute("data-points"))
    total_before = int(chart.get_attribute("data-total"))

    for _ in range(30):
        assert get(server.port, "/").status == 200

    # the script's next polls see the 30 requests (and its own): the total rises, a sample
    # above zero is drawn and shown
    WebDriverWait(browser, WAIT).until(
        lambda b: int(chart.get_attribute("data-total")) >= total_before + 30)
    WebDriverWait(browser, WAIT).until(
        lambda b: int(chart.get_attribute("data-points")) > points_before)
    heights = [float(v.split(",")[1]) for v in
               browser.find_element(By.ID, "line").get_attribute("points").split()]
    assert min(heights) < 145.0         # a sample drawn above the baseline (y=145: 0 req/s)
    assert float(browser.find_element(By.ID, "rps").text) >= 0
