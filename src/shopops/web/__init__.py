"""The team's web dashboard (``shopops serve``): pages with JSON twins over one workspace, with accounts, roles,
store isolation, uploads through the import pipeline and the task board. See docs/dashboard.md."""
