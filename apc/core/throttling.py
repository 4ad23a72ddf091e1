"""API rate limiting (its own module: DRF imports it while its views module is loading)."""

from rest_framework.throttling import UserRateThrottle


class FailOpenUserRateThrottle(UserRateThrottle):
    """Rate limiting by user that lets requests through when its cache (Redis) is down: filing
    a warning must not fail because the rate limiter cannot count."""

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - any cache failure: fail open, the request matters more
            return True
