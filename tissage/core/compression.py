"""Text answers compressed as the client accepts: zstd, brotli or gzip (issue #20).

django-http-compression (Adam Johnson's, MIT, maintained; the evolution of Django's own
`GZipMiddleware`) does the work: it picks the coding from `Accept-Encoding` and its
q-values (`br;q=0` refuses brotli, `identity` or no header gets the plain body), compresses
only the types worth it (HTML, JSON, GeoJSON, iCalendar, Atom, CSV, JavaScript, SVG; not
pictures, ZIP, ODS, XLSX or PDF, which are compressed already), skips an answer that has
a `Content-Encoding`, adds `Vary: Accept-Encoding` whenever it negotiated, makes a strong
`ETag` weak (the compressed bytes are another representation, RFC 9110 §8.8.1), and pads
every compressed answer with a random `X-Noise` header ("Heal the Breach", as Django's
`GZipMiddleware`; docs/decisions.md, "Compression and BREACH").

Streaming answers (the CSV and GeoJSON exports, written in blocks of about 64 KB) are
compressed block by block, each block flushed: the download starts as soon as the first
rows are read, as before. Nothing in Tissage streams an answer that must reach the reader
line by line (no server-sent events).

What this module adds, small enough to keep beside the package rather than in it:
- answers under `MIN_LENGTH` bytes are sent as they are: they fit in one packet, and the
  noise header would cost more than compression saves;
- a `304 Not Modified` (feeds and the API answer them from `get_conditional_response`) has
  no body to compress, but it stands for the compressed answer the client keeps: it gets
  the same weak `ETag` and `Vary: Accept-Encoding` as the `200` it confirms;
- a part of a file (`206`, `Content-Range`) is never compressed: the range is of the
  plain bytes. (WhiteNoise answers ranges of static files before this middleware runs.)
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django_http_compression.middleware import HttpCompressionMiddleware, best_coding

MIN_LENGTH = 1000


class CompressionMiddleware(HttpCompressionMiddleware):
    def maybe_compress(self, request: HttpRequest, response: HttpResponseBase) -> None:
        if response.status_code == 304:
            if best_coding(request.headers.get("accept-encoding", "")) != "identity":
                patch_vary_headers(response, ("accept-encoding",))
                etag = response.headers.get("etag")
                if etag and etag.startswith('"'):
                    response.headers["etag"] = "W/" + etag
            return
        if response.status_code == 206 or "content-range" in response.headers:
            return
        if isinstance(response, HttpResponse) and len(response.content) < MIN_LENGTH:
            return
        super().maybe_compress(request, response)
