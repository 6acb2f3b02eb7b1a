import os

from django.core.wsgi import get_wsgi_application

from config.warm import warm_and_freeze

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
warm_and_freeze()
