"""Charts for the reports: one module per stage domain, all built on `common`."""
