// A real OpenID Connect provider (the certified `oidc-provider` package) for CX Platform's single sign-on tests.
//
//   node provider.js   with PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, POST_LOGOUT_REDIRECT_URI, USERS_FILE
//
// One confidential client; PKCE required for it too (so the tests prove the product sends it); the people in
// USERS_FILE ({"<username>": {"password", "sub", "email", "name", "groups": [...]}}), read again at every lookup so
// that a test can remove someone; a plain login form as the interaction; consent is implied (a first-party app).
// Prints "listening <issuer>" once it answers.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const port = Number(env('PORT'));
const issuer = `http://127.0.0.1:${port}`;
const usersFile = env('USERS_FILE');
const scopes = ['openid', 'email', 'profile', 'groups'];

const people = () =>
  Object.fromEntries(
    Object.entries(JSON.parse(readFileSync(usersFile, 'utf8'))).map(([username, person]) => [username, { ...person, username }]),
  );
const personBySub = (sub) => Object.values(people()).find((person) => person.sub === sub);

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const configuration = {
  clients: [
    {
      client_id: env('CLIENT_ID'),
      client_secret: env('CLIENT_SECRET'),
      redirect_uris: [env('REDIRECT_URI')],
      post_logout_redirect_uris: [env('POST_LOGOUT_REDIRECT_URI')],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  scopes,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    groups: ['groups'],
  },
  cookies: { keys: ['cx-test-provider-cookie-key'] },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(ctx, sub) {
    const person = personBySub(sub);
    if (!person) {
      // Removed from the provider: their sessions end there (as a real directory does), so no more logins and the
      // silent re-check (prompt=none) answers login_required.
      const session = ctx?.oidc?.session;
      if (session?.accountId === sub) {
        await session.destroy();
        delete session.accountId;
      }
      return undefined;
    }
    return {
      accountId: sub,
      async claims() {
        const [givenName, ...rest] = (person.name || '').split(' ');
        return {
          sub,
          email: person.email,
          email_verified: true,
          name: person.name,
          given_name: givenName,
          family_name: rest.join(' '),
          preferred_username: person.username,
          groups: person.groups || [],
        };
      },
    };
  },
  // Consent is implied for this first-party client: every scope it asks for is granted.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(scopes.join(' '));
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (ctx, error) => console.error('server_error', error));

const loginPage = (uid, error) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Provider username <input name="username" autocomplete="username"></label>
<label>Provider password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in at the provider</button>
</form></main></body></html>`;

const readForm = (req) =>
  new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(body))));
    req.on('error', reject);
  });

const callback = provider.callback();
const server = createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
  if (!match) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      return res.end(loginPage(details.uid));
    }
    const { username, password } = await readForm(req);
    const person = people()[username];
    if (!person || person.password !== password) {
      res.statusCode = 200;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      return res.end(loginPage(details.uid, 'Unknown user or wrong password.'));
    }
    return provider.interactionFinished(req, res, { login: { accountId: person.sub } }, { mergeWithLastSubmission: false });
  } catch (error) {
    res.statusCode = 400;
    return res.end(String(error));
  }
});

server.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));
