"""One module per report section; each is a mixin of the report builder with a ``stage_*`` method."""
