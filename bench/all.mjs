#!/usr/bin/env node
// npm run bench: every benchmark script in bench/, transfers first. A benchmark script is a
// bench/*.mjs that starts with `#!/usr/bin/env node` (workflows.mjs, a library, does not); each
// runs in turn with the same environment (BENCH_SIZES, BENCH_RUNS…), the ones after the first
// with SKIP_BUILD=1 (the first built the package), and the first failure stops.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const self = path.basename(fileURLToPath(import.meta.url));
const scripts = fs
	.readdirSync(here)
	.filter((name) => name.endsWith('.mjs') && name !== self)
	.filter((name) => fs.readFileSync(path.join(here, name), 'utf8').startsWith('#!/usr/bin/env node'))
	.sort((a, b) => (a === 'transfers.mjs' ? -1 : b === 'transfers.mjs' ? 1 : a.localeCompare(b)));
for (const [index, script] of scripts.entries()) {
	console.log(`\n=== bench/${script}\n`);
	const env = index === 0 ? process.env : { ...process.env, SKIP_BUILD: '1' };
	const { status, signal } = spawnSync(process.execPath, [path.join(here, script)], { stdio: 'inherit', env });
	if (status !== 0) {
		console.error(`bench/${script} failed (${signal ?? `exit code ${status}`})`);
		process.exit(status ?? 1);
	}
}
