/**
 * A plain HTTP request over a fresh connection (no keep-alive agent), for
 * sending the receiver exactly the bytes and headers a test wants, including
 * broken ones a well-behaved client would never produce.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  /** Sent in one piece with a content-length header. */
  body?: Buffer | string;
  /** Sent piece by piece with chunked transfer encoding (no content-length). */
  chunks?: readonly Buffer[];
}

export function sendRequest(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    // Bounded: a test must fail, not hang, if the receiver never answers.
    request.setTimeout(10_000, () => request.destroy(new Error(`no response from ${url} within 10 s`)));
    if (options.chunks !== undefined) {
      for (const chunk of options.chunks) request.write(chunk);
      request.end();
    } else {
      request.end(options.body);
    }
  });
}
