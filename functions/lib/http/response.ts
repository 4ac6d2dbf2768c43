import type { APIGatewayProxyResult } from 'aws-lambda';

export type HttpResult = APIGatewayProxyResult & { headers: Record<string, string> };

/** A JSON answer. Everything that carries case data passes `noStore`. */
export function json(statusCode: number, body: unknown, options: { noStore?: boolean; headers?: Record<string, string> } = {}): HttpResult {
  return {
    statusCode,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      ...(options.noStore ? { 'Cache-Control': 'no-store' } : {}),
      ...options.headers,
    },
    body: JSON.stringify(body),
  };
}
