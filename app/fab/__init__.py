"""Flask-AppBuilder glue shared by the pages, the REST API and the security manager: the data
interface, safe search filters, per-request filter state, and no file downloads."""
