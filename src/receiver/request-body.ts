/**
 * Reading a request body with a size limit, and undoing its content-encoding.
 *
 * Both steps enforce the same limit: a few kilobytes of gzip can inflate to
 * gigabytes, so checking only the bytes on the wire would not protect memory.
 */
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { HttpError } from './http-error.js';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotliDecompress = promisify(zlib.brotliDecompress);

/**
 * The raw body, exactly as sent. Rejects with a 413 HttpError as soon as it
 * grows past `limit`; the rest of the upload is then discarded by node's HTTP
 * server once the response is sent, which keeps the connection usable.
 */
export function readRequestBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new HttpError(413, `request body exceeds the limit of ${limit} bytes`);
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new HttpError(400, `could not read the request body: ${error.message}`));
    };
    const onClose = () => {
      // 'close' before 'end' means the client went away mid-upload.
      cleanup();
      reject(new HttpError(400, 'the client closed the connection before the body was complete'));
    };
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

/** Whether this receiver can undo a (lowercased) content-encoding. */
export function isSupportedContentEncoding(encoding: string): boolean {
  return ['', 'identity', 'gzip', 'x-gzip', 'deflate', 'br'].includes(encoding);
}

/** The body with its content-encoding (already checked as supported) removed. */
export async function decodeContentEncoding(body: Buffer, encoding: string, limit: number): Promise<Buffer> {
  const options = { maxOutputLength: limit };
  try {
    switch (encoding) {
      case 'gzip':
      case 'x-gzip':
        return await gunzip(body, options);
      case 'deflate':
        // HTTP's "deflate" is zlib-wrapped, but enough senders send raw
        // deflate that falling back to it is worth the extra attempt.
        try {
          return await inflate(body, options);
        } catch (error) {
          if (isTooLarge(error)) throw error;
          return await inflateRaw(body, options);
        }
      case 'br':
        return await brotliDecompress(body, options);
      default:
        return body;
    }
  } catch (error) {
    if (isTooLarge(error)) {
      throw new HttpError(413, `decompressed request body exceeds the limit of ${limit} bytes`);
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new HttpError(400, `invalid ${encoding} body: ${reason}`);
  }
}

function isTooLarge(error: unknown): boolean {
  return error instanceof RangeError && (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}
