"""The Flask extension objects, unbound; ``create_app`` binds them to each app."""

from flask_babel import Babel
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
