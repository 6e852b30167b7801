"""mod_python compatibility face: only user code imports this."""
