"""Running a site in production: every core through gunicorn's arbiter, graceful signals and
reloads, systemd readiness and socket activation, and a WSGI entry.

* ``directives``: the process directives (GracefulShutdownTimeout, MaxConnectionsPerChild,
  User, Group, PidFile, ...), declared like any other.
* ``probe``: reads a configuration in a separate interpreter, so the arbiter never imports a
  plugin or handler (a reload must import them afresh in new workers).
* ``arbiter``: gunicorn's arbiter, driven programmatically, with Apache's signal meanings.
* ``worker``: the gunicorn worker class that runs the kernel's own server on the arbiter's
  sockets.
* ``sockets``, ``systemd``: binding (one line when a port is taken), inherited descriptors,
  ``sd_notify``, RLIMIT_NOFILE, the PidFile.
* ``wsgi``: ``make_app(config_file)``, the pipeline behind any WSGI server.
"""
