"""Signs a demo account in through the council's real identity pages and prints an access token.

    python3 tests/api/sign_in.py http://127.0.0.1:8400 EMAIL PASSWORD

It does what the desktop app and a person do together: /authorize with PKCE, the sign-in page's
form (with its hidden fields), "Continue as ...?" if asked, then the code exchanged at /token.
Only the standard library, so it runs in any Python 3. The token goes to standard output and
nothing else is printed there; errors name the step, never the password or a token.
"""

import base64
import hashlib
import html.parser
import http.cookiejar
import json
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request

CLIENT_ID = "client-finance-portal-desktop"
# Any loopback port is accepted for the desktop client; nothing listens here, the code is read
# from the redirect's address.
REDIRECT_URI = "http://127.0.0.1:9/callback"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class HiddenFields(html.parser.HTMLParser):
    """The hidden inputs of the form that posts to `action`."""

    def __init__(self, action):
        super().__init__()
        self.action = action
        self.inside = False
        self.found_form = False
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
            self.found_form = self.found_form or self.inside
        elif tag == "input" and self.inside and attrs.get("type") == "hidden":
            self.fields[attrs.get("name")] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def fail(message):
    print(f"Signing in failed: {message}", file=sys.stderr)
    sys.exit(1)


class Browser:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )

    def request(self, path, data=None):
        url = path if path.startswith("http") else self.base + path
        body = None if data is None else urllib.parse.urlencode(data).encode()
        try:
            response = self.opener.open(url, body, timeout=30)
            return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as answer:  # 3xx and 4xx arrive here without redirects
            return answer.code, answer.headers, answer.read().decode(errors="replace")

    def submit(self, page, fields):
        status, _, text = self.request(page)
        if status != 200:
            fail(f"{page} answered {status}")
        form = HiddenFields(page)
        form.feed(text)
        if not form.found_form:
            fail(f"{page} has no form posting to {page}")
        return self.request(page, {**form.fields, **fields})


def main():
    if len(sys.argv) != 4:
        fail("usage: sign_in.py BASE_URL EMAIL PASSWORD")
    base, email, password = sys.argv[1:]
    browser = Browser(base)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid email offline_access",
            "state": secrets.token_urlsafe(16),
            "nonce": secrets.token_urlsafe(16),
            "code_challenge": challenge.decode(),
            "code_challenge_method": "S256",
        }
    )
    status, headers, _ = browser.request(f"/authorize?{query}")
    location = headers.get("location", "")
    for _ in range(5):
        if location.startswith(REDIRECT_URI):
            break
        if location == "/sign-in":
            status, headers, _ = browser.submit("/sign-in", {"email": email, "password": password})
        elif location == "/continue":
            status, headers, _ = browser.submit("/continue", {})
        elif location:
            status, headers, _ = browser.request(location)
        else:
            fail(f"expected a redirect, got {status} (is the email and password right?)")
        location = headers.get("location", "")
    code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query).get("code")
    if not code:
        fail("the identity service sent no authorization code")
    status, _, text = browser.request(
        "/token",
        {
            "grant_type": "authorization_code",
            "code": code[0],
            "redirect_uri": REDIRECT_URI,
            "client_id": CLIENT_ID,
            "code_verifier": verifier,
        },
    )
    if status != 200:
        fail(f"/token answered {status}")
    print(json.loads(text)["access_token"])


if __name__ == "__main__":
    main()
