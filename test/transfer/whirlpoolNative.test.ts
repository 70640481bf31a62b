/**
 * The Whirlpool engine in processes other than this test's: the sources of transfer/whirlpool*.ts,
 * compiled to JavaScript, run in a Node.js started with `--openssl-legacy-provider` (the native
 * engine: OpenSSL in a worker thread of the process) and in one without it, standing for n8n's
 * process, which uses a helper process and must be able to exit with it idle (unref'd), and
 * leaves no helper behind when it exits.
 */
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import ts from 'typescript';

import { IDLE_HELPER_MS } from '../../nodes/OneFichier/transfer/whirlpoolProcess';
import { opensslWhirlpools } from '../helpers/whirlpool';

const REPO = path.join(__dirname, '..', '..');
const TRANSFER = path.join(REPO, 'nodes', 'OneFichier', 'transfer');
const MiB = 1024 * 1024;

const VECTORS = [
	['', '19fa61d75522a4669b44e39c1d2e1726c530232130d407f89afee0964997f7a73e83be698b288febcf88e3e03c4f0757ea8964e59b63d93708b138cc42a66eb3'],
	['abc', '4e2448a4c6f486bb16b6562c73b4020bf3043e3a731bce721ae1b303d97e6d4c7181eebdb6c57e277d0e34957114cbd6c797fc9d95d8b582d225292076d4eef5'],
	['a'.repeat(1_000_000), '0c99005beb57eff50a7cf005560ddf5d29057fd86b20bfd62deca0f1ccea4af51fc15490eddc47af32bb2b66c34ff9ad8c6008ad677f77126953b226e4ed8b01'],
];

let dir: string;

/** The engine's files as the build lays them out, compiled without type checks. */
function compileEngine(into: string): void {
	for (const file of readdirSync(TRANSFER)) {
		if (/^whirlpool.*\.js$/.test(file)) copyFileSync(path.join(TRANSFER, file), path.join(into, file));
		if (!/^whirlpool.*\.ts$/.test(file) || file.endsWith('.d.ts')) continue;
		const { outputText } = ts.transpileModule(readFileSync(path.join(TRANSFER, file), 'utf8'), {
			compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
		});
		writeFileSync(path.join(into, file.replace(/\.ts$/, '.js')), outputText);
	}
}

/** Runs `script` in a fresh Node.js with `flags`; resolves with its output once it has exited, and when. */
async function runNode(flags: string[], script: string, onLine?: (line: string) => void) {
	const child = spawn(process.execPath, [...flags, '-e', script], {
		cwd: dir,
		// n8n puts its own node_modules on NODE_PATH for community packages: n8n-workflow from there.
		env: { ...process.env, NODE_PATH: path.join(REPO, 'node_modules') },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	let errors = '';
	child.stdout.setEncoding('utf8').on('data', (text: string) => {
		output += text;
		for (const line of text.split('\n')) if (line) onLine?.(line);
	});
	child.stderr.setEncoding('utf8').on('data', (text: string) => (errors += text));
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	if (code !== 0) throw new Error(`node ${flags.join(' ')} exited with ${code}: ${errors}`);
	return { output, exitedAt: Date.now() };
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
	} catch {
		return false;
	}
}

beforeAll(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'whirlpool-engine-'));
	compileEngine(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a process with OpenSSL\'s legacy provider hashes natively in a worker thread: vectors, random lengths and chunkings', async () => {
	const inputs = [...VECTORS.map(([text]) => Buffer.from(text)), ...[1, 64, MiB - 1, MiB + 1, 25 * MiB + 3, 3 * MiB + 77].map((n) => randomBytes(n))];
	writeFileSync(path.join(dir, 'inputs.bin'), Buffer.concat(inputs));
	const script = `
const { readFileSync } = require('fs');
const { Readable } = require('stream');
const { startWhirlpool, whirlpoolEngine, whirlpoolOfStream } = require('./whirlpool.js');
const all = readFileSync('inputs.bin');
const lengths = ${JSON.stringify(inputs.map((input) => input.length))};
(async () => {
	const digests = [];
	let offset = 0;
	for (const [index, length] of lengths.entries()) {
		const input = all.subarray(offset, offset += length);
		const chunks = [];
		for (let at = 0; at < input.length; ) {
			const size = 1 + Math.floor(Math.random() * [7, 4096, 65536, 3 << 20][index % 4]);
			chunks.push(input.subarray(at, at += size));
		}
		if (index % 2) digests.push(await whirlpoolOfStream(Readable.from(chunks)));
		else {
			const hashing = startWhirlpool();
			for (const chunk of chunks) await hashing.update(chunk);
			digests.push(await hashing.digest());
		}
	}
	process.stdout.write(JSON.stringify({ engine: await whirlpoolEngine(), digests }));
})();`;
	const { output } = await runNode(['--openssl-legacy-provider'], script);
	const { engine, digests } = JSON.parse(output) as { engine: { name: string; reason: string }; digests: string[] };
	expect(engine.name).toBe('native');
	expect(engine.reason).toMatch(/legacy provider/);
	expect(digests.slice(0, VECTORS.length)).toEqual(VECTORS.map(([, hex]) => hex));
	expect(digests).toEqual(opensslWhirlpools(inputs));
}, 120_000);

it('a process without it (n8n\'s) hashes in a helper process, exits with the helper idle, and leaves no helper behind', async () => {
	const script = `
const { Readable } = require('stream');
const { whirlpoolEngineName, whirlpoolOfStream } = require('./whirlpool.js');
const { helpersForTesting } = require('./whirlpoolWorker.js');
(async () => {
	const digest = await whirlpoolOfStream(Readable.from([Buffer.from('abc')]));
	console.log(JSON.stringify({ engine: await whirlpoolEngineName(), digest, helpers: helpersForTesting() }));
	// Nothing else to do: the process must end now, its helper waiting unref'd for a next hash.
})();`;
	let printedAt = 0;
	const { output, exitedAt } = await runNode([], script, () => (printedAt = Date.now()));
	const { engine, digest, helpers } = JSON.parse(output) as { engine: string; digest: string; helpers: Array<{ pid: number; state: string }> };
	expect(engine).toBe('helper process');
	expect(digest).toBe(VECTORS[1][1]);
	expect(helpers).toEqual([{ pid: expect.any(Number), state: 'idle' }]);
	// It did not wait for the idle helper's own end.
	expect(exitedAt - printedAt).toBeLessThan(IDLE_HELPER_MS - 1000);
	await new Promise((resolve) => setTimeout(resolve, 200));
	expect(isRunning(helpers[0].pid)).toBe(false);
});

it('a process that exits in the middle of a hash takes its helper with it', async () => {
	const script = `
const { randomBytes } = require('crypto');
const { startWhirlpool } = require('./whirlpool.js');
const { helpersForTesting } = require('./whirlpoolWorker.js');
(async () => {
	const hashing = startWhirlpool();
	for (let i = 0; i < 4; i++) await hashing.update(randomBytes(1 << 20));
	while (!helpersForTesting().some((helper) => helper.state === 'working')) await new Promise((resolve) => setTimeout(resolve, 5));
	console.log(JSON.stringify(helpersForTesting()));
	process.exit(0);
})();`;
	const { output } = await runNode([], script);
	const helpers = JSON.parse(output) as Array<{ pid: number; state: string }>;
	expect(helpers).toEqual([{ pid: expect.any(Number), state: 'working' }]);
	await new Promise((resolve) => setTimeout(resolve, 200));
	expect(isRunning(helpers[0].pid)).toBe(false);
});
