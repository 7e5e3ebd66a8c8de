"""The nightly HTML report: a self-contained static page per brand and an index (see :mod:`pipeline.report.build`)."""

from pipeline.report.build import build_report, report_step

__all__ = ["build_report", "report_step"]
