import type * as Fs from 'node:fs';
import type * as Module from 'node:module';
import type * as Os from 'node:os';
import type * as Path from 'node:path';

// Node builtins for the code an app loads with optel's entry, taken with
// `process.getBuiltinModule` (Node >= 20.16) where they are used, not
// imported: an ES module import of a builtin makes Node build a facade
// module for it at start-up, for every app importing optel, telemetry on or
// off (see the bench row "import + init + one command, telemetry off").

export const nodeFs = (): typeof Fs => process.getBuiltinModule('node:fs');
export const nodePath = (): typeof Path => process.getBuiltinModule('node:path');
export const nodeOs = (): typeof Os => process.getBuiltinModule('node:os');
export const nodeModule = (): Pick<typeof Module, 'createRequire'> => process.getBuiltinModule('node:module');
