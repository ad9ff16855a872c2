"""The IPEX treatment and follow-up registry: Django models, formats, OI score and survival analysis.

It sits on top of the pathway library (case, suspect, confirm, counsel, report), never the other way round.
Usable without a web server: `ipexpath.registry.bootstrap.configure()` sets Django up with default settings
(SQLite under the user's data folder, or `IPEXPATH_DATABASE_URL`).
"""
