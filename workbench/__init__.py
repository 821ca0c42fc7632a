"""Retention Workbench: cohorts, the retention formula broken down, churn, NPS and CLTV in a terminal."""

__version__ = "0.1.0"
