"""The kernel's library for plugins and the mod_python face: HTTP-level helpers no kernel module needs."""
