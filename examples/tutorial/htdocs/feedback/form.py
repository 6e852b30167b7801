import os
import smtplib
from html import escape

WEBMASTER = "webmaster"   # webmaster e-mail
# your SMTP server (run.py starts a local sink and names it in TUTORIAL_SMTP_SERVER)
SMTP_SERVER = os.environ.get("TUTORIAL_SMTP_SERVER", "localhost")

def email(req, name, email, comment):

    # make sure the user provided all the parameters
    if not (name and email and comment):
        return "A required parameter is missing, \
               please go back and correct the error"

    # a field sent twice arrives as a list and an uploaded file as a Field: only text will do
    if not all(isinstance(value, str) for value in (name, email, comment)):
        return "Each field must be given once, as text, \
               please go back and correct the error"

    # the address becomes the From: header and the envelope sender: a CR or LF in it
    # would let the sender add headers of their own (header injection), so refuse it;
    # smtplib sends only ASCII addresses (anything else was a 500)
    if "\r" in email or "\n" in email or not email.isascii():
        return "The e-mail address must be a single line of ASCII text, \
               please go back and correct the error"

    # create the message text (the charset line lets the comment hold any language)
    msg = """\
From: %s
Subject: feedback
To: %s
Content-Type: text/plain; charset=utf-8

I have the following comment:

%s

Thank You,

%s

""" % (email, WEBMASTER, comment, name)

    # send it out (as UTF-8 bytes, which smtplib sends unchanged: so with CRLF line ends)
    conn = smtplib.SMTP(SMTP_SERVER)
    conn.sendmail(email, [WEBMASTER], "\r\n".join(msg.splitlines()).encode("utf-8") + b"\r\n")
    conn.quit()

    # provide feedback to the user (the name is escaped: it is shown inside HTML)
    s = """\
<html>

Dear %s,<br>
Thank You for your kind comments, we
will get back to you shortly.

</html>""" % escape(name)

    return s
