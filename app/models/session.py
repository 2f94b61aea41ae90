"""Session epochs: one counter per user that ends every browser session and token when raised."""
from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import relationship


class UserSession(Model):
    """The current session epoch of a user; a session or JWT minted under an older epoch is dead.

    Logout, a password change or reset and disabling the account raise the epoch by one, so every
    copied cookie and every issued access or refresh token of that user stops working at once.
    A user without a row is at epoch 0.
    """

    __tablename__ = "user_session"
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True)
    epoch = Column(Integer, nullable=False, default=0)

    def __repr__(self) -> str:
        return f"UserSession({self.user_id}, {self.epoch})"


# Loaded with the user in the same statement, so checking a session or token costs no query of its own.
User.session_row = relationship(UserSession, uselist=False, lazy="joined", viewonly=True)
