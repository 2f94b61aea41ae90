"""Scoped read models shared by pages, the workbench, jobs, reports and dashboards."""
