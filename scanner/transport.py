"""HTTP GET with the standard library only, for fetching bundles and asking the resolver.

The scanner runs on warehouse tablets and inside other people's applications, so it adds no HTTP
dependency. Every request has a timeout, a size cap, and only http(s) URLs are followed (``urllib``
would otherwise read ``file:`` URLs too). ``opener`` lets an embedding application bring its own
``urllib.request.OpenerDirector`` (proxies, client certificates); by default the process-wide opener
is used, as ``urllib.request.urlopen`` does.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from scanner.errors import NetworkError

DEFAULT_TIMEOUT = 10.0
#: A trust bundle grows by two 16 KiB lists (compressed to a few hundred bytes) per 131,072 labels;
#: nothing the registry serves to a scanner comes near this.
MAX_BYTES = 16 * 1024 * 1024
USER_AGENT = "ecoreg-scanner/1"


@dataclass(frozen=True)
class Answer:
    url: str
    status: int
    content_type: str
    body: bytes


def get(
    url: str,
    accept: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    opener: urllib.request.OpenerDirector | None = None,
    language: str | None = None,
) -> Answer:
    """GET ``url``; any HTTP status is an :class:`Answer`, and only a failure to get one is an error.

    Raises :class:`~scanner.errors.NetworkError` when the host cannot be reached, the request times out,
    the body is larger than :data:`MAX_BYTES`, or the URL is not http(s).
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise NetworkError(f"only http(s) addresses can be fetched, not {url!r}", url)
    headers = {"Accept": accept, "User-Agent": USER_AGENT}
    if language:
        headers["Accept-Language"] = language
    request = urllib.request.Request(url, headers=headers, method="GET")
    open_url = opener.open if opener is not None else urllib.request.urlopen
    try:
        with open_url(request, timeout=timeout) as response:
            return _answer(url, response.status, response)
    except urllib.error.HTTPError as error:
        with error:
            return _answer(url, error.code, error)
    except TimeoutError:
        raise NetworkError(f"{url} did not answer within {timeout:g} s", url) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise NetworkError(f"{url} did not answer within {timeout:g} s", url) from None
        raise NetworkError(f"cannot reach {url}: {exc.reason}", url) from None
    except (OSError, ValueError) as exc:
        raise NetworkError(f"cannot fetch {url}: {exc}", url) from None


def _answer(url: str, status: int, response) -> Answer:
    body = response.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise NetworkError(f"{url} answered more than {MAX_BYTES // (1024 * 1024)} MiB", url, status)
    content_type = (response.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    return Answer(url, status, content_type, body)
