"""The Apache configuration language: syntax, the builder that gives it meaning, directive
declarations (the contract with plugins), the kernel's own core directives, and the
per-request merging of sections. Imports nothing else of the kernel."""
