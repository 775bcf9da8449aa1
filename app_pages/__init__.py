"""One function per page (and per tab): read widgets, call core, render; leave with ``return``.

app.py registers these by URL path (``ui.nav`` lists titles, icons and roles).
"""

from collections.abc import Callable

from app_pages.audit import audit
from app_pages.chains import chains
from app_pages.hr_review import hr_review
from app_pages.impact import impact
from app_pages.overview import overview
from app_pages.plans import plans
from app_pages.retention import retention
from app_pages.segmentation import segmentation
from app_pages.upload import upload
from app_pages.users import users

PAGE_FUNCTIONS: dict[str, Callable[[], None]] = {
    "overview": overview,
    "upload": upload,
    "segmentation": segmentation,
    "chains": chains,
    "plans": plans,
    "impact": impact,
    "hr-review": hr_review,
    "users": users,
    "audit": audit,
    "retention": retention,
}
