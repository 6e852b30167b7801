import time

from mod_python import apache

def handler(req):
    time.sleep(1)
    req.content_type = "text/plain"
    req.write("slept 1s")
    return apache.OK
