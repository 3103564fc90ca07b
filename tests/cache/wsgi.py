"""The WSGI app the cache tests run under gunicorn: the real one, plus one reset per request.

Each test ends with a flush, after which Django recreates the content types with new ids; a
long-running worker would keep the old ids in ContentType's per-process cache and find no
BookPage anymore. Production never flushes, so only the test nodes need this.
"""

from bookshop.wsgi import application as bookshop_application


def application(environ, start_response):
    from django.contrib.contenttypes.models import ContentType  # importable once the app is set up

    ContentType.objects.clear_cache()
    return bookshop_application(environ, start_response)
