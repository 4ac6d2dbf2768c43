import { describe, expect, it } from '@jest/globals';
import { defaultStageName, loadStageConfig } from '../../infra/config.ts';
import { allowedOrigins, corsPolicy } from '../../infra/local/cors.ts';

describe('local gateway CORS origins', () => {
  it('are the default stage file\'s origins by default', () => {
    expect(allowedOrigins({})).toEqual(loadStageConfig((key) => (key === 'stage' ? defaultStageName() : undefined)).corsOrigins);
  });

  it('are the origins of the stage file STAGE names', () => {
    expect(allowedOrigins({ STAGE: 'stadt-bensheim-dev' })).toEqual(loadStageConfig((key) => (key === 'stage' ? 'stadt-bensheim-dev' : undefined)).corsOrigins);
    expect(allowedOrigins({ STAGE: 'stadt-bensheim-dev' })).not.toEqual(allowedOrigins({}));
  });

  it('are CORS_ORIGINS when set, comma-separated, spaces ignored', () => {
    expect(allowedOrigins({ CORS_ORIGINS: 'http://localhost:4200, https://portal.example.org' })).toEqual(['http://localhost:4200', 'https://portal.example.org']);
  });

  it.each(['*', 'localhost:4200', 'http://localhost:4200/', 'https://portal.example.org/app', 'ftp://portal.example.org'])('refuse %s with a message that shows the expected form', (origin) => {
    expect(() => allowedOrigins({ CORS_ORIGINS: origin })).toThrow(/CORS_ORIGINS: .* is not an origin; write scheme:\/\/host\[:port\]/);
  });

  it('allow exactly the configured origins, byte for byte', () => {
    const policy = corsPolicy(['http://localhost:5173']);
    expect(policy.answer('http://localhost:5173')['Access-Control-Allow-Origin']).toBe('http://localhost:5173');
    for (const other of ['http://localhost:5174', 'http://LOCALHOST:5173', 'http://localhost:5173.evil.example', 'null', undefined]) {
      expect(policy.answer(other)).toEqual({ Vary: 'Origin' });
      expect(policy.preflight(other)).toEqual({ Vary: 'Origin' });
    }
  });
});
