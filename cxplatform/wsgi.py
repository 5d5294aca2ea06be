import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.base")

application = get_wsgi_application()

# Everything loaded at start-up (Django, Plotly, the URL conf) lives as long as the process: move it out of
# the garbage collector's view, so that its full collections during requests stay short (about 20% off the
# map page's time in bench/map_bench.py).
gc.collect()
gc.freeze()
