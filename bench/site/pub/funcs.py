def hello(req, name):
    return "Hello, %s!" % name
