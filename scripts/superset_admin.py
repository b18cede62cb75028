"""Make Superset's admin user match the login that scripts/superset.sh manages (runs in Superset's venv).

The user name and password come from ``SUPERSET_ADMIN_USER`` and ``SUPERSET_ADMIN_PASSWORD`` in the
environment, never the command line (another user of the machine can read a process's arguments, not
its environment). Creates the admin if missing, sets its password if it differs, says which.
"""

from __future__ import annotations

import os
import sys

from superset.app import create_app
from werkzeug.security import check_password_hash


def main() -> int:
    username = os.environ["SUPERSET_ADMIN_USER"]
    password = os.environ["SUPERSET_ADMIN_PASSWORD"]
    app = create_app()
    with app.app_context():
        security = app.appbuilder.sm
        user = security.find_user(username=username)
        if user is None:
            admin_role = security.find_role(security.auth_role_admin)
            email = f"{username}@ringledger.invalid"
            if not security.add_user(username, "Ringledger", "Admin", email, admin_role, password):
                print(f"could not create the admin user {username!r}", file=sys.stderr)
                return 1
            print(f"created the admin user {username!r}")
        elif user.password and check_password_hash(user.password, password):
            print(f"admin user {username!r} exists, password unchanged")
        else:
            security.reset_password(user.id, password)
            print(f"admin user {username!r}: password set to the one in use now")
    return 0


if __name__ == "__main__":
    sys.exit(main())
