"""The tutorial site in a real browser (headless chromium): the feedback form and the
password-protected directory."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as until
from selenium.webdriver.support.ui import WebDriverWait

PAGE_TIMEOUT = 15


def test_feedback_form_sends_mail(tutorial, browser):
    server, sink = tutorial
    browser.get(server.url)
    browser.find_element(By.LINK_TEXT, "/feedback/form.html").click()
    browser.find_element(By.NAME, "name").send_keys("Joe Doe")
    browser.find_element(By.NAME, "email").send_keys("joe@example.com")
    browser.find_element(By.NAME, "comment").send_keys("Nice site!\nSecond line.")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()

    WebDriverWait(browser, PAGE_TIMEOUT).until(until.url_contains("/feedback/form.py/email"))
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "Dear Joe Doe," in page
    assert "Thank You for your kind comments" in page
    (mail,) = sink.wait_for(1)
    assert (mail.mail_from, mail.rcpt_tos) == ("joe@example.com", ["webmaster"])
    assert mail.message["From"] == "joe@example.com"
    # browsers submit textarea line breaks as CRLF; the mail carries them as line breaks
    assert "Nice site!\nSecond line." in mail.body
    assert mail.body.rstrip().endswith("Joe Doe")


def test_protected_directory_with_credentials(tutorial, browser):
    server, _ = tutorial
    browser.get(f"http://spam:eggs@127.0.0.1:{server.port}/protected/")
    assert browser.find_element(By.TAG_NAME, "body").text == "Hello World!"
    browser.get(f"http://spam:eggs@127.0.0.1:{server.port}/protected/myscript.py")
    assert browser.find_element(By.TAG_NAME, "body").text == "Hello World!"
