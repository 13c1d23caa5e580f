// RFC 7636 PKCE (S256) and the random values of an authorization request. SHA-256 comes from a
// library because crypto.subtle exists only on https and localhost origins.
import { sha256 } from '@noble/hashes/sha2.js';

export function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** code_challenge for a verifier: BASE64URL(SHA256(ASCII(verifier))). */
export function challengeOf(verifier: string): string {
  return base64url(sha256(new TextEncoder().encode(verifier)));
}

/** The claims of a JWT, unverified (the server verifies; the portal only reads who it is). */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return {};
  }
}
