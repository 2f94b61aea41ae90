"""No file downloads: the models store no files, so FAB's download route answers 404."""
from flask import abort
from flask_appbuilder import expose, has_access


class NoFileDownload:
    """Mixed in before FAB's ModelView: its download route reads UPLOAD_FOLDER, which a system whose
    models store no files never sets (a 500); here it answers 404."""

    @expose("/download/<string:filename>")
    @has_access
    def download(self, filename):
        """Nothing to download: 404 (behind the same read permission as FAB's route)."""
        abort(404)
