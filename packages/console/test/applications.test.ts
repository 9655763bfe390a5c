import type { Application } from '@passline/contracts';
import { describe, expect, it } from 'vitest';
import {
  changesFrom,
  connectSnippet,
  createBody,
  fieldsOf,
  fieldsProblem,
  parseUriLines,
} from '../src/pages/applications.ts';

const saved: Application = {
  id: 'app_123',
  name: 'Shop',
  type: 'web',
  redirectUris: ['https://shop.example/callback', 'https://shop.example/cb2'],
  postLogoutRedirectUris: [],
  firstParty: true,
  hasClientSecret: true,
  createdAt: '2026-12-03T10:00:00.000Z',
  updatedAt: '2026-12-03T10:00:00.000Z',
};

describe('parseUriLines', () => {
  it('takes one URI a line, trimmed, without blank lines or repeats, in the order typed', () => {
    expect(parseUriLines('  https://a.example/cb \r\n\n\thttps://b.example/cb\nhttps://a.example/cb\n   \n')).toEqual([
      'https://a.example/cb',
      'https://b.example/cb',
    ]);
    expect(parseUriLines('')).toEqual([]);
    expect(parseUriLines(' \n \n')).toEqual([]);
  });

  it('leaves judging a URI to the server: a wrong one is passed on as typed', () => {
    expect(parseUriLines('https://a.example/cb#fragment\nnot a uri')).toEqual([
      'https://a.example/cb#fragment',
      'not a uri',
    ]);
  });
});

describe('application form', () => {
  it('asks for a name and one to twenty redirect URIs before asking the server', () => {
    const fields = fieldsOf(saved);
    expect(fieldsProblem(fields)).toBeUndefined();
    expect(fieldsProblem({ ...fields, name: '  ' })).toBe('Give the application a name.');
    expect(fieldsProblem({ ...fields, redirectUris: '\n \n' })).toBe('Add at least one redirect URI.');
    const many = Array.from({ length: 21 }, (_, index) => `https://a.example/${index}`).join('\n');
    expect(fieldsProblem({ ...fields, redirectUris: many })).toBe('At most 20 redirect URIs.');
    expect(fieldsProblem({ ...fields, postLogoutRedirectUris: many })).toBe('At most 20 post-logout redirect URIs.');
  });

  it('creates with the parsed lists and the trimmed name', () => {
    expect(
      createBody('spa', {
        name: ' Dashboard ',
        redirectUris: 'https://d.example/cb\n',
        postLogoutRedirectUris: '',
        firstParty: false,
      }),
    ).toEqual({
      name: 'Dashboard',
      type: 'spa',
      redirectUris: ['https://d.example/cb'],
      postLogoutRedirectUris: [],
      firstParty: false,
    });
  });

  it('patches only what changed, and nothing when the edits come back to the saved values', () => {
    const fields = fieldsOf(saved);
    expect(changesFrom(saved, fields)).toEqual({});
    // Blank lines and spaces are not changes.
    expect(changesFrom(saved, { ...fields, name: 'Shop ', redirectUris: `${fields.redirectUris}\n\n` })).toEqual({});
    expect(
      changesFrom(saved, { ...fields, redirectUris: 'https://shop.example/cb2\nhttps://shop.example/callback' }),
    ).toEqual({ redirectUris: ['https://shop.example/cb2', 'https://shop.example/callback'] });
    expect(
      changesFrom(saved, {
        ...fields,
        name: 'Shop 2',
        postLogoutRedirectUris: 'https://shop.example/',
        firstParty: false,
      }),
    ).toEqual({ name: 'Shop 2', postLogoutRedirectUris: ['https://shop.example/'], firstParty: false });
  });
});

describe('connectSnippet', () => {
  const discovery = 'https://id.example/.well-known/openid-configuration';

  it('gives a web app its discovery URL, client id and client_secret_basic, never the secret', () => {
    expect(connectSnippet(saved, discovery)).toBe(
      [
        `OIDC_DISCOVERY_URL=${discovery}`,
        'OIDC_CLIENT_ID=app_123',
        'OIDC_CLIENT_SECRET=<the client secret you stored>',
        '# Token endpoint authentication: client_secret_basic',
        'OIDC_REDIRECT_URI=https://shop.example/callback',
        '',
      ].join('\n'),
    );
  });

  it('tells a public client that PKCE S256 is required and gives it no secret line', () => {
    for (const type of ['spa', 'native'] as const) {
      const snippet = connectSnippet({ ...saved, type, hasClientSecret: false }, discovery);
      expect(snippet).toContain('PKCE with code_challenge_method=S256 is required');
      expect(snippet).not.toContain('SECRET');
      expect(snippet).toContain('OIDC_CLIENT_ID=app_123');
    }
  });
});
