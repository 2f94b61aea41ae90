"""Scoped read models shared by pages, jobs, the workbench and reports: counts, queues, progress, lists."""
