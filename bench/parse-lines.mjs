// The report bench's baseline: read a JSON lines file line by line and
// JSON.parse each line, doing nothing else. The floor any reader of the
// format pays.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

let lines = 0;
for await (const line of createInterface({ input: createReadStream(process.argv[2], { encoding: 'utf8' }), crlfDelay: Infinity })) {
  if (line !== '') {
    JSON.parse(line);
    lines += 1;
  }
}
console.log(lines);
