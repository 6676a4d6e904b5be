// The OpenID Provider the SSO tests sign in through: panva's certified `oidc-provider`, in memory.
//
//   node oidc_provider.mjs <port> <config.json>
//
// config.json: {"clients": [{client_id, client_secret, redirect_uris}], "accounts": {login: claims}}.
// Whoever types a login listed in `accounts` signs in as that account (any password): the tests
// decide what the provider asserts, including a hostile one. POST /_test/configure changes that at
// run time: {"accounts": {...}} replaces the accounts, {"redirect_uri": "..."} registers another
// redirect URI, {"rotate": true} starts signing with a new key (the old one stays published until
// the next rotation), as a real provider rotating its keys does; {"conform": true} keeps the scopes'
// claims (email, name, groups) out of the ID token, for the userinfo endpoint only.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const config = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const issuer = `http://127.0.0.1:${port}`;

function newKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };
}

let keys = [newKey()];

function build() {
  const provider = new Provider(issuer, {
    clients: config.clients.map((client) => ({
      ...client,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    conformIdTokenClaims: Boolean(config.conform), // false: the scopes' claims in the ID token itself
    pkce: { required: () => true },
    cookies: { keys: ['test-cookie-key'] },
    ttl: { IdToken: 300, AccessToken: 300, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, id) {
      const claims = config.accounts[id];
      if (!claims) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...claims }; } };
    },
    async loadExistingGrant(ctx) {
      // Consent is implied: the vendor's admin registered the application.
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
  });
  return provider.callback();
}

let handler = build();

http
  .createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/_test/configure') {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => {
        const change = JSON.parse(body || '{}');
        if (change.accounts) config.accounts = change.accounts;
        if (change.redirect_uri) config.clients.forEach((client) => client.redirect_uris.push(change.redirect_uri));
        if (change.rotate) keys = [newKey(), keys[0]];
        if (change.conform !== undefined) config.conform = change.conform;
        if (change.redirect_uri || change.rotate || change.conform !== undefined) handler = build();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ signing_kid: keys[0].kid }));
      });
      return;
    }
    handler(req, res);
  })
  .listen(port, '127.0.0.1', () => {
    process.stdout.write(`listening ${issuer}\n`);
  });
