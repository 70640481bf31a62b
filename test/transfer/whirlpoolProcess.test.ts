/**
 * The helper process of the Whirlpool (transfer/whirlpoolProcess.ts, fed by a worker thread:
 * transfer/whirlpoolWorker.ts): how the engine is chosen and logged, the fall-back where no helper
 * can start (a Node.js without the legacy provider, a binary that is not there, a helper that dies
 * at once or later on), and that no helper outlives its use (a killed helper fails its hash and
 * nothing hangs; a cancelled hash or transfer ends its helper; an idle helper ends on its own; a
 * helper ends with the process that started it). An ended helper must be gone, not a zombie.
 */
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { once } from 'events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { pipeline, Readable, Writable } from 'stream';

import type { Logger } from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';

import {
	HASH_BUFFER_BYTES,
	HASH_BUFFERS_IN_FLIGHT,
	prepareWhirlpool,
	startWhirlpool,
	useWhirlpoolChoiceForTesting,
	whirlpoolEngine,
	whirlpoolEngineName,
	whirlpoolOfStream,
	WhirlpoolTap,
} from '../../nodes/OneFichier/transfer/whirlpool';
import { IDLE_HELPER_MS } from '../../nodes/OneFichier/transfer/whirlpoolProcess';
import { helpersForTesting, stopIdleHelpersForTesting } from '../../nodes/OneFichier/transfer/whirlpoolWorker';
import { opensslWhirlpool } from '../helpers/whirlpool';

const MiB = 1024 * 1024;
const HELPER_FILE = path.join(__dirname, '..', '..', 'nodes', 'OneFichier', 'transfer', 'whirlpool.process.js');
const ABC = '4e2448a4c6f486bb16b6562c73b4020bf3043e3a731bce721ae1b303d97e6d4c7181eebdb6c57e277d0e34957114cbd6c797fc9d95d8b582d225292076d4eef5';
/** More than the bound of bytes with the engine, three times over. */
const BIG = 3 * HASH_BUFFERS_IN_FLIGHT * HASH_BUFFER_BYTES + 12_345;

const dir = mkdtempSync(path.join(tmpdir(), 'whirlpool-helper-'));
afterAll(() => {
	useWhirlpoolChoiceForTesting();
	rmSync(dir, { recursive: true, force: true });
});

/** Whether the process exists, a zombie included: a helper this process started must also be reaped. */
function exists(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Whether the process runs (an orphan is reaped by whoever adopts it, which may be slow: a zombie counts as ended). */
function isRunning(pid: number): boolean {
	try {
		return exists(pid) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
	} catch {
		return false;
	}
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

const helperPids = () => helpersForTesting().map((helper) => helper.pid);

/** The one helper alive now, once it serves the hash (the idle ones were stopped before the hash began). */
async function theWorkingHelperPid(): Promise<number> {
	const working = () => helpersForTesting().filter((helper) => helper.state === 'working');
	await until(() => working().length === 1 && helpersForTesting().length === 1, 'one helper process at work');
	return working()[0].pid;
}

function recordingLogger() {
	const lines: Array<{ level: string; message: string }> = [];
	const record = (level: string) => (message: string) => lines.push({ level, message });
	const logger = { info: record('info'), warn: record('warn'), error: record('error'), debug: record('debug') } as unknown as Logger;
	return { logger, lines };
}

const thisNode = (args: string[]) => ({ execPath: process.execPath, args, env: { ...process.env } });

describe('the choice of engine', () => {
	it('takes the helper process where this process has no Whirlpool, once, and says so in one info line', async () => {
		const { logger, lines } = recordingLogger();
		const global = recordingLogger();
		LoggerProxy.init(global.logger);
		useWhirlpoolChoiceForTesting();
		// The execution that hashes first says where the line goes (n8n's global logger otherwise).
		prepareWhirlpool(logger);
		prepareWhirlpool(recordingLogger().logger);
		const engine = await whirlpoolEngine();
		expect(engine.name).toBe('helper process');
		expect(engine.reason).toMatch(/no OpenSSL Whirlpool \(its legacy provider is off\).*--openssl-legacy-provider \(OpenSSL 3\.[^)]*\), fed through a pipe/);
		expect(await whirlpoolOfStream(Readable.from([Buffer.from('abc')]))).toBe(ABC);
		expect(await whirlpoolEngineName()).toBe('helper process');
		const infos = lines.filter((line) => line.level === 'info');
		expect(infos).toHaveLength(1);
		expect(infos[0].message).toMatch(/^1fichier: Whirlpool checksums \(Verify Checksum\) are computed by OpenSSL in a helper process: /);
		expect(global.lines).toEqual([]);
	});

	it('falls back to hash-wasm where Node.js has no legacy provider (the helper says it has no Whirlpool)', async () => {
		const { logger, lines } = recordingLogger();
		LoggerProxy.init(logger);
		// The same binary without the flag: OpenSSL 3 without its legacy provider, as in n8n's process.
		useWhirlpoolChoiceForTesting({ helper: thisNode([]) });
		const engine = await whirlpoolEngine();
		expect(engine.name).toBe('hash-wasm (dev dependency)');
		expect(engine.reason).toMatch(/the helper process .* did not start: .*(unsupported|whirlpool)/i);
		expect(lines.filter((line) => line.level === 'info').map((line) => line.message)).toEqual([
			expect.stringMatching(/computed by hash-wasm \(dev dependency\) \(WebAssembly, slower than OpenSSL\) in a worker thread: /),
		]);
		expect(await whirlpoolOfStream(Readable.from([Buffer.from('abc')]))).toBe(ABC);
	});

	it('falls back to hash-wasm where the helper cannot be started or dies at once', async () => {
		for (const helper of [
			{ execPath: path.join(dir, 'no-such-node'), args: [], env: {} },
			thisNode(['-e', 'process.exit(3)', '--']),
			{ unavailable: 'n8n runs as a single executable application' },
		]) {
			useWhirlpoolChoiceForTesting({ helper });
			expect(await whirlpoolEngineName()).toBe('hash-wasm (dev dependency)');
			const input = randomBytes(3 * MiB + 7);
			expect(await whirlpoolOfStream(Readable.from([input]))).toBe(opensslWhirlpool(input));
		}
	});

	it('a helper that stops starting later hands the hash, from its first byte, and the choice to hash-wasm', async () => {
		// A helper that starts until a flag file appears: the choice is made while it works.
		const flag = path.join(dir, 'helpers-fail');
		const wrapper = path.join(dir, 'flaky-helper.js');
		writeFileSync(wrapper, `if (require('fs').existsSync(${JSON.stringify(flag)})) process.exit(5); require(process.argv[2]);`);
		const { logger, lines } = recordingLogger();
		LoggerProxy.init(logger);
		useWhirlpoolChoiceForTesting({ helper: thisNode(['--openssl-legacy-provider', wrapper]) });
		expect(await whirlpoolEngineName()).toBe('helper process');
		await stopIdleHelpersForTesting();
		writeFileSync(flag, '');
		const input = randomBytes(BIG);
		expect(await whirlpoolOfStream(Readable.from([input]))).toBe(opensslWhirlpool(input));
		expect(await whirlpoolEngineName()).toBe('hash-wasm (dev dependency)');
		expect(lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
			expect.stringMatching(/now computed by hash-wasm .*: a helper process did not start \(it stopped \(exit code 5\)\)/),
		]);
	});
});

describe('the helper\'s protocol', () => {
	const frame = (bytes: Buffer) => Buffer.concat([Buffer.from(Uint32Array.of(bytes.length).buffer), bytes]);
	const DIGEST_PLEASE = Buffer.alloc(4);

	/** Starts the helper, sends `bytes` in pieces cut at odd places (headers included), returns its first `lines` answers. */
	async function answers(bytes: Buffer, lines: number) {
		const helper = spawn(process.execPath, ['--openssl-legacy-provider', HELPER_FILE], { stdio: ['pipe', 'pipe', 'inherit'] });
		let output = '';
		helper.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
		for (const [from, to] of [[0, 3], [3, 5], [5, 70_000], [70_000, 70_002], [70_002, bytes.length]]) helper.stdin.write(bytes.subarray(from, to));
		try {
			await until(() => output.split('\n').length > lines, `${lines} answers from the helper`);
		} finally {
			helper.kill('SIGKILL');
		}
		return output.split('\n').slice(0, lines);
	}

	it('says it is ready, then answers the digest of each run of frames, however the pipe cuts them', async () => {
		const input = randomBytes(3 * MiB + 5);
		const bytes = Buffer.concat([frame(Buffer.from('abc')), DIGEST_PLEASE, frame(input.subarray(0, MiB)), frame(input.subarray(MiB)), DIGEST_PLEASE, DIGEST_PLEASE]);
		const expected = [expect.stringMatching(/^ready OpenSSL 3\./), ABC, opensslWhirlpool(input), opensslWhirlpool(Buffer.alloc(0))];
		expect(await answers(bytes, 4)).toEqual(expected);
	});
});

describe('a helper never outlives its use', () => {
	beforeAll(async () => {
		useWhirlpoolChoiceForTesting();
		expect(await whirlpoolEngineName()).toBe('helper process');
	});
	beforeEach(async () => await stopIdleHelpersForTesting());

	it('a killed helper fails its hash with a clear error; nothing hangs, and the next hash runs in a fresh one', async () => {
		const hashing = startWhirlpool();
		await hashing.update(randomBytes(2 * MiB));
		const pid = await theWorkingHelperPid();
		process.kill(pid, 'SIGKILL');
		await until(() => !exists(pid), 'the killed helper is gone');
		// However many bytes still go in, the hash fails (an update or the digest) instead of waiting.
		const chunk = randomBytes(MiB);
		const failure = await (async () => {
			for (let index = 0; index < 3 * HASH_BUFFERS_IN_FLIGHT; index++) await hashing.update(chunk);
			return await hashing.digest();
		})().catch((error: Error) => error);
		expect((failure as Error).message).toBe('Whirlpool helper process stopped (signal SIGKILL)');
		const input = randomBytes(BIG);
		expect(await whirlpoolOfStream(Readable.from([input]))).toBe(opensslWhirlpool(input));
		expect(await whirlpoolEngineName()).toBe('helper process');
	});

	it('a killed helper fails the stream it taps: the transfer ends with an error', async () => {
		let pid = 0;
		const source = new Readable({ read() {} });
		const tap = new WhirlpoolTap();
		const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
		const ended = new Promise<Error | null | undefined>((resolve) => pipeline(source, tap, sink, resolve));
		source.push(randomBytes(2 * MiB));
		pid = await theWorkingHelperPid();
		process.kill(pid, 'SIGKILL');
		await until(() => !exists(pid), 'the killed helper is gone');
		for (let index = 0; index < 3 * HASH_BUFFERS_IN_FLIGHT; index++) source.push(randomBytes(MiB));
		source.push(null);
		const error = await ended;
		expect(error?.message).toBe('Whirlpool helper process stopped (signal SIGKILL)');
		expect(tap.checksum).toBeUndefined();
	});

	it('a cancelled hash ends its helper at once', async () => {
		const hashing = startWhirlpool();
		await hashing.update(randomBytes(3 * MiB));
		const pid = await theWorkingHelperPid();
		hashing.abort();
		await until(() => !exists(pid), 'the helper of the cancelled hash is gone', 5000);
		await until(() => helperPids().length === 0, 'no helper left', 5000);
	});

	it('a transfer whose stream is destroyed (cancelled) ends its tap\'s helper', async () => {
		const source = new Readable({ read() {} });
		const tap = new WhirlpoolTap();
		const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
		const ended = new Promise<unknown>((resolve) => pipeline(source, tap, sink, resolve));
		source.push(randomBytes(4 * MiB));
		const pid = await theWorkingHelperPid();
		source.destroy(new Error('The execution was cancelled'));
		expect(await ended).toMatchObject({ message: 'The execution was cancelled' });
		await until(() => !exists(pid), 'the helper of the cancelled transfer is gone', 5000);
	});

	it('a transfer about to start has a helper started for it, which its hash then takes', async () => {
		prepareWhirlpool(recordingLogger().logger);
		const idle = () => helpersForTesting().filter((helper) => helper.state === 'idle').map((helper) => helper.pid);
		await until(() => idle().length === 1, 'a helper ready before the hash');
		const [warmed] = idle();
		const input = randomBytes(BIG);
		expect(await whirlpoolOfStream(Readable.from([input]))).toBe(opensslWhirlpool(input));
		// The hash ran in it (no other was started) and gave it back.
		expect(helpersForTesting().filter((helper) => helper.state !== 'stopping')).toEqual([{ pid: warmed, state: 'idle' }]);
	});

	it('an idle helper serves the next hash, then ends on its own', async () => {
		const first = randomBytes(MiB + 1);
		expect(await whirlpoolOfStream(Readable.from([first]))).toBe(opensslWhirlpool(first));
		const [pid] = helperPids();
		expect(await whirlpoolOfStream(Readable.from([Buffer.from('abc')]))).toBe(ABC);
		expect(helperPids()).toEqual([pid]);
		await until(() => !exists(pid), 'the idle helper is gone', IDLE_HELPER_MS + 5000);
	}, 30_000);

	it('a helper ends with the process that started it, even one killed without a word', async () => {
		// A parent that starts the helper, hands it a few bytes and prints its pid, then is killed.
		const script = `
const { spawn } = require('child_process');
const helper = spawn(process.execPath, ['--openssl-legacy-provider', ${JSON.stringify(HELPER_FILE)}], { stdio: ['pipe', 'pipe', 'inherit'] });
helper.stdout.once('data', () => {
	const frame = Buffer.alloc(4 + 3); frame.writeUInt32LE(3, 0); frame.write('abc', 4);
	helper.stdin.write(frame);
	process.stdout.write(String(helper.pid) + '\\n');
});`;
		const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
		const [line] = (await once(parent.stdout, 'data')) as [Buffer];
		const pid = Number(line.toString().trim());
		expect(isRunning(pid)).toBe(true);
		parent.kill('SIGKILL');
		await once(parent, 'close');
		await until(() => !isRunning(pid), 'the orphaned helper is gone', 5000);
	});
});
