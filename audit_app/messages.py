"""The two kinds of message shown at the top of the next page (flash categories).

GOV.UK's notification banner: green "Success" only for an action just completed
(saved, added, deleted, sent); the neutral "Important" banner for anything else a
person should know (sign in to continue, a newer version exists, nothing saved).
Every flash() in the app names one of these (tests/web/test_flash_categories.py).
"""

from __future__ import annotations

SUCCESS = "success"
INFORMATION = "information"
CATEGORIES = (SUCCESS, INFORMATION)
