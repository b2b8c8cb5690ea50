"""Django's Content Security Policy middleware, building each policy once.

The policy text depends only on the settings unless a response uses a nonce or carries its
own policy; for every other response the text built last time is reused.
"""

from django.conf import settings
from django.middleware import csp
from django.utils.csp import CSP, build_policy


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    _built: dict = {}

    def process_response(self, request, response):
        if (
            csp.get_nonce(request)
            or hasattr(response, "_csp_config")
            or hasattr(response, "_csp_ro_config")
        ):
            return super().process_response(request, response)
        for header, config in (
            (CSP.HEADER_ENFORCE, settings.SECURE_CSP),
            (CSP.HEADER_REPORT_ONLY, settings.SECURE_CSP_REPORT_ONLY),
        ):
            if config and header not in response:
                built = self._built.get(header)
                if built is None or built[0] is not config:
                    built = self._built[header] = (config, build_policy(config))
                response.headers[str(header)] = built[1]
        return response
