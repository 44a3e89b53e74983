import { bearerTokenMatches } from './bearer-token.js';

describe('bearer tokens', () => {
  it('accepts exactly "Bearer <token>" (the scheme in any case) and nothing else', () => {
    const token = 'tok-0123456789';
    expect(bearerTokenMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerTokenMatches(`bearer ${token}`, token)).toBe(true);
    for (const header of [undefined, '', token, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`, `Bearer ${token} extra`, 'Bearer ']) {
      expect({ header, ok: bearerTokenMatches(header, token) }).toEqual({ header, ok: false });
    }
  });
});
