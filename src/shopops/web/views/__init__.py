"""One module per page type; each has ``register(app)`` and is listed in ``shopops.web.app.VIEWS``."""
