"""marshmallow's own field messages, translated; imported before any schema that the API loads is defined.

A field copies its class's messages when it is created, so this must run before the schemas of
app/api/schemas.py (and FAB's model schemas) are built: importing this module first does it. The
messages themselves live in app/messages.py (create_app applies them at start too).
"""
from app.messages import translate_validators

translate_validators()
