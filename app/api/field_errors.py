"""marshmallow's own field messages, translated; imported before any schema that the API loads is defined.

A field copies its class's messages when it is created, so this must run before the schemas of
app/api/schemas.py (and FAB's model schemas) are built: importing this module first does it.
"""
from flask_babel import lazy_gettext as _l
from marshmallow import fields

fields.Field.default_error_messages.update({
    "required": _l("is required"), "null": _l("may not be empty"), "invalid": _l("has a value of the wrong type"),
})
for kind, message in ((fields.Date, _l("is not a valid date (YYYY-MM-DD)")),
                      (fields.DateTime, _l("is not a valid date and time")),
                      (fields.Integer, _l("must be a whole number")),
                      (fields.Boolean, _l("must be true or false")),
                      (fields.String, _l("must be text")),
                      (fields.Decimal, _l("must be a number"))):
    kind.default_error_messages = {**kind.default_error_messages, "invalid": message}
