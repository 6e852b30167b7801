"""A request's life: the Site (plugins, configuration, servers, logs, pipeline), the request
object, the phase pipeline and the error path, and the constants, tables and exceptions they
share with plugins."""
