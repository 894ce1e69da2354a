"""Registry vintages: every dated release kept, compared, and used to measure revisions and lags.

=================  ==============================================================
module             job
=================  ==============================================================
``store``          which vintages exist (``data/raw/vintages.toml``) and loading them
``history``        the release chain, entry histories, changes and disappearances
``triangle``       monthly counts as seen in each release, and revisions by lag
``lag``            publication lag: decision date to first release that shows it
``nowcast``        delay-distribution nowcast of the months still filling in
``build``          the aggregate tables of ``data/processed/vintages/``
=================  ==============================================================
"""
