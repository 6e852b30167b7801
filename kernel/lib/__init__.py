"""The library for plugins and the mod_python face: module loading, form parsing, calling
with form data, Basic credentials, cookies. No other kernel room imports it."""
