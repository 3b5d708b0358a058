import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Every test file runs in a fresh empty working directory, so code under test
// that looks for (or writes) a project consent file from the cwd up can never
// find or touch the repository's own root. Tests that need the repository
// use absolute paths (test/support/child.ts ROOT).
process.chdir(mkdtempSync(join(tmpdir(), 'optel-cwd-')));
