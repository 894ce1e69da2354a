"""The loader kit: what every registry and court-statistics loader shares, one module a job.

==================  ===========================================================
module              job
==================  ===========================================================
``files``           read a raw file safely; decode text tables; CSV row problems
``redaction``       what a rejects table may show of a raw cell
``normalise``       whitespace-normalised text, matching keys of names
``cells``           the reason a cell is unusable; registry numbers
``dates``           strict ``DD.MM.YYYY`` dates
``legal_basis``     legal-basis wording → :data:`analysis.schemas.LEGAL_BASES`
``categories``      type wording or filled fields → :data:`analysis.schemas.CATEGORIES`
``json_input``      JSON files, their arrays of objects, values of the wrong type
``events``          the event builder: rows in, validated event frame plus rejects out
==================  ===========================================================

The per-format loaders stay one module each in :mod:`analysis.sources`; this package
holds no loader and imports nothing from them. Import from the module that does the
job (``from analysis.sources.kit.dates import parse_date``); the package itself
re-exports nothing, so each name has one home.
"""
