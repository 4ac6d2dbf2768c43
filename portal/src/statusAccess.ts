/**
 * The header that proves a request of the status page (API.md, *Messages*): a citizen token (a
 * JWT, three dot-separated parts) as `Authorization: Bearer`, a status token (base64url, never a
 * dot) as `Status-Token`. Either reaches no server log (headers, never the URL).
 */
export const accessHeaders = (token: string): Record<string, string> =>
  token.split('.').length === 3 ? { Authorization: `Bearer ${token}` } : { 'Status-Token': token };
