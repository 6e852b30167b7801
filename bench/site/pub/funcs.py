def both(req, a, b="B"):
    return "a=%s b=%s" % (a, b)
