"""The includes plugin: Apache's server-side includes (mod_include) as the INCLUDES filter."""
