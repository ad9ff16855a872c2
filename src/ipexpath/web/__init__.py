"""The web application for the care team: case entry, assessment, registry and audit, behind accounts.

A Django project on the registry's data layer (`ipexpath.registry`): settings in `web.settings`, the pages in
`web.views`, the JSON API (django-ninja, OpenAPI at /api/openapi.json) in `web.api`, roles and centre
membership in `web.models`/`web.roles`. `ipexpath serve` runs it under gunicorn.
"""
