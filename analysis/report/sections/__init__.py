"""One module per report section: ``render_<name>(results, texts) -> Section``, plain functions.

Each renderer reads the frozen :class:`~analysis.report.compute.ReportResults` and the
templates of one language (:class:`~analysis.report.texts.Texts`); none computes a
search or a fit, and none depends on another's output.
"""
