"""The demo district: `flask aid seed-demo` writes it (app.demo.seed); the app never imports it at run time."""
