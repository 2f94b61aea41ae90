"""Pages: Flask-AppBuilder model views and custom views, by area; framework glue in views.framework."""
