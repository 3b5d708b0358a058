import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

// isolated-cwd.ts for a run in worker threads, as Stryker runs vitest: there
// process.chdir() is not available, so process.cwd() (which path.resolve()
// and the consent code read) answers a fresh empty directory instead. A plain
// replacement rather than a spy, so a test's vi.restoreAllMocks() keeps it.
// Either way, code under test that looks for (or writes) a project consent
// file from the cwd up never finds or touches the repository's own root.
const dir = mkdtempSync(join(tmpdir(), 'optel-cwd-'));
if (isMainThread) process.chdir(dir);
else process.cwd = (): string => dir;
