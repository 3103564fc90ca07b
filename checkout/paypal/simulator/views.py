"""The simulator mounted in-process under /_paypal-sim/ for `make run` (dev settings only)."""

from functools import cache

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from checkout.paypal.simulator.core import DROP, SimRequest, Simulator


@cache
def dev_simulator():
    return Simulator(settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET)


@csrf_exempt
def simulator(request, path):
    prefix = request.path[: len(request.path) - len(path)].rstrip("/")
    sim_request = SimRequest(
        method=request.method,
        path="/" + path,
        query={key: request.GET.getlist(key) for key in request.GET},
        headers={name.lower(): value for name, value in request.headers.items()},
        body=request.body,
        base_url=request.build_absolute_uri(prefix),
    )
    response = dev_simulator().handle(sim_request)
    if response is DROP:
        return HttpResponse(status=502)
    data, content_type = response.encoded()
    http_response = HttpResponse(data, status=response.status, content_type=content_type)
    for name, value in response.headers.items():
        http_response[name] = value
    return http_response
