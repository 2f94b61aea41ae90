"""Our security manager: FAB's, with the Chinese login page and the user scope attached."""
from flask_appbuilder.security.sqla.manager import SecurityManager


class ZizhuSecurityManager(SecurityManager):
    """FAB's SQLAlchemy security manager; scope, audit and hardening hook in here."""
