// An independent OpenID Connect provider (npm `oidc-provider`, OpenID certified) for the
// sign-in tests of cfp-council-client. It is deliberately not our own council service: the
// desktop app must work with any council's standard provider.
//
// Started by the Rust tests as `node server.mjs`. It listens on 127.0.0.1 with a port the
// system picks, prints one JSON line `{"issuer": "..."}` on stdout when ready, and exits when
// its stdin closes (so it never outlives the test that started it). On stderr it says when each
// part of starting finished, and oidc-provider's own warnings.
//
// Settings come from the environment (all have test defaults):
//   FIXTURE_CLIENT_ID     the public native client ("client-finance-portal-desktop")
//   FIXTURE_LOGIN         the test account's sign-in name
//   FIXTURE_PASSWORD      the test account's password
//   FIXTURE_ACCESS_TTL    access token lifetime in seconds

import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const clientId = process.env.FIXTURE_CLIENT_ID || 'client-finance-portal-desktop';
const login = process.env.FIXTURE_LOGIN || 'ada@example.test';
const password = process.env.FIXTURE_PASSWORD || 'correct horse battery staple';
const accessTtl = Number(process.env.FIXTURE_ACCESS_TTL || '600');

// The one test account.
const account = {
  accountId: 'ada-lovelace-0001',
  login,
  claims: { name: 'Ada Lovelace', email: login, email_verified: true },
};

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`
    + `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function loginForm(uid, error) {
  return page('Sign in to the test council', `
    ${error ? `<p id="error" role="alert">${escapeHtml(error)}</p>` : ''}
    <form id="login" method="post" action="/interaction/${uid}/login">
      <label for="login-name">Email address</label>
      <input id="login-name" name="login" type="email" autocomplete="username">
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password">
      <button type="submit">Sign in</button>
    </form>
    <form id="cancel" method="post" action="/interaction/${uid}/abort">
      <button type="submit">Cancel</button>
    </form>`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

progress('modules loaded');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };

progress('signing key made');
const server = createServer();
server.listen(0, '127.0.0.1', () => {
  progress('listening');
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // RFC 8252 7.3: for native clients the provider accepts any port on the loopback address.
      redirect_uris: ['http://127.0.0.1/callback'],
    }],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    // Like many councils' providers, give native apps a refresh token without `prompt=consent`.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: { AccessToken: accessTtl, IdToken: 3600 },
    async findAccount(_ctx, sub) {
      if (sub !== account.accountId) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<p id="error">${escapeHtml(out.error)}</p>`);
    },
  });
  provider.proxy = false;

  const callback = provider.callback();
  server.on('request', async (req, res) => {
    try {
      const url = new URL(req.url, issuer);
      const match = url.pathname.match(/^\/interaction\/([^/]+)(\/login|\/abort)?$/);
      if (!match) return callback(req, res);
      const details = await provider.interactionDetails(req, res);
      const send = (status, html) => {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
        res.end(html);
      };
      if (match[2] === '/abort' && req.method === 'POST') {
        return provider.interactionFinished(req, res, {
          error: 'access_denied', error_description: 'The person cancelled sign-in.',
        }, { mergeWithLastSubmission: false });
      }
      if (match[2] === '/login' && req.method === 'POST') {
        const form = await readForm(req);
        if (form.get('login') !== account.login || form.get('password') !== password) {
          return send(200, loginForm(details.uid, 'The email address or password is not right.'));
        }
        return provider.interactionFinished(req, res, {
          login: { accountId: account.accountId },
        }, { mergeWithLastSubmission: false });
      }
      if (details.prompt.name === 'login') {
        return send(200, loginForm(details.uid));
      }
      // Consent: this is the council's own app, so grant what it asked for.
      const { Grant } = provider;
      const grant = details.grantId
        ? await Grant.find(details.grantId)
        : new Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      const missing = details.prompt.details;
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`fixture error: ${error.message}`);
    }
  });

  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
  progress('issuer printed');
});

// How long each part of starting took, on stderr (the tests show it when a start is slow).
function progress(what) {
  process.stderr.write(`fixture: ${what} at ${Math.round(performance.now())} ms after the process started\n`);
}

// Exit when the test that started us goes away; never die of a closed output pipe.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
