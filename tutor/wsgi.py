"""WSGI entry point: `gunicorn tutor.wsgi`.

Once Django is set up, what the process has loaded (Django, the app's modules, models and settings: some 125,000
objects) lives as long as the process. The cycle collector's full passes would walk all of it again and again, for
nothing: on the 500-learner cohort dashboard that was 3% of the page's time. `gc.freeze()` moves it out of the
collector's sight; a full pass then walks only what requests made. Collected once first, so no garbage is kept.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutor.settings")
application = get_wsgi_application()
gc.collect()
gc.freeze()
