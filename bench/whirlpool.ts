/**
 * Whirlpool benchmark.
 *
 * 1. MiB/s of each engine the package can run, fed the way the transfers feed it (startWhirlpool
 *    with 64 KiB and 1 MiB chunks): OpenSSL in a worker thread of a process started with
 *    `--openssl-legacy-provider` (`native`, in a child process here), the helper process (this
 *    process's choice: it has no legacy provider, like n8n's), hash-wasm in a worker thread; and,
 *    for reference, OpenSSL and hash-wasm on the calling thread. For each: how busy it keeps this
 *    process's event loop, how long the digest takes after the last byte was handed over (the
 *    end of a transfer waits for that), and how long the engine takes to start in a fresh process.
 * 2. Transfers through the node (n8n-core's engine, filesystem binary mode) with verification off
 *    and on, next to the hash of the same bytes alone: verification should cost at most 1.10 × the
 *    longer of the two, since it hashes beside the transfer.
 *
 *   npm run bench:whirlpool                          # hashes 256 MiB, transfers 1 GiB
 *   BENCH_MIB=0 BENCH_HASH_MIB=128 BENCH_RUNS=3 npm run bench:whirlpool   # the hash figures only
 *
 * On a shared machine every figure is the best of BENCH_RUNS (2) runs, the candidates taking
 * turns, so that a burst of load elsewhere does not decide a comparison; the load average is printed.
 */
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { once } from 'events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'fs';
import { loadavg, tmpdir } from 'os';
import path from 'path';
import { performance } from 'perf_hooks';

import type { INodeParameters } from 'n8n-workflow';

import {
	createWhirlpoolHasher,
	startWhirlpool,
	useWhirlpoolChoiceForTesting,
	whirlpoolEngineName,
	whirlpoolOfStream,
} from '../nodes/OneFichier/transfer/whirlpool';
import type { Simulator } from '../simulator';
import { runNode } from '../test/helpers/n8n';

const TRANSFER_MIB = Number(process.env.BENCH_MIB ?? 1024);
const HASH_MIB = Number(process.env.BENCH_HASH_MIB ?? 256);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 2));
const KEY = 'BENCH-FAKE-KEY-11111111111111111';
const MiB = 1 << 20;
const NETWORK_CHUNK = 64 * 1024;
/** Set in the child process that measures the native engine (started with the legacy provider). */
const CHILD_ROLE = process.env.BENCH_WHIRLPOOL_ROLE;

interface HashFigure {
	name: string;
	mibPerSecond: number;
	/** Share of the time this process's event loop was busy (undefined: not measured). */
	loopBusy?: number;
	/** From the last update's end to the digest, ms: what the end of a transfer waits for. */
	tailMs?: number;
}

/** The bytes to hash, as chunks of `size` over one random MiB (no big allocation). */
function* chunksOf(block: Buffer, size: number): Generator<Buffer> {
	for (let sent = 0; sent < HASH_MIB * MiB; sent += size) {
		const offset = sent % block.length;
		yield block.subarray(offset, offset + size);
	}
}

/** The package's session (startWhirlpool), fed `chunkSize` chunks as a transfer does. */
async function session(name: string, block: Buffer, chunkSize: number): Promise<HashFigure> {
	const loopBefore = performance.eventLoopUtilization();
	const started = performance.now();
	const hashing = startWhirlpool();
	for (const chunk of chunksOf(block, chunkSize)) await hashing.update(chunk);
	const lastByte = performance.now();
	await hashing.digest();
	const done = performance.now();
	return {
		name,
		mibPerSecond: HASH_MIB / ((done - started) / 1000),
		loopBusy: performance.eventLoopUtilization(loopBefore).utilization,
		tailMs: done - lastByte,
	};
}

async function callingThread(name: string, block: Buffer, hasher: { update(chunk: Buffer): void; digest(): unknown }): Promise<HashFigure> {
	const started = performance.now();
	for (const chunk of chunksOf(block, MiB)) hasher.update(chunk);
	hasher.digest();
	return { name, mibPerSecond: HASH_MIB / ((performance.now() - started) / 1000), loopBusy: 1 };
}

/** The first digest of a fresh choice: the engine's start (a helper process, a worker and its WebAssembly). */
async function startupMs(): Promise<number> {
	const started = performance.now();
	const hashing = startWhirlpool();
	await hashing.update(Buffer.from('abc'));
	await hashing.digest();
	return performance.now() - started;
}

/** In the child with the legacy provider: the native engine's figures, as JSON on stdout. */
async function nativeChild(): Promise<void> {
	const block = Buffer.from(readFileSync(0));
	useWhirlpoolChoiceForTesting();
	const startup = await startupMs();
	if ((await whirlpoolEngineName()) !== 'native') throw new Error(`the child hashes with ${await whirlpoolEngineName()}`);
	const { createHash } = await import('crypto');
	const figures = [
		await callingThread('OpenSSL, calling thread (reference)', block, createHash('whirlpool')),
		await session('native: OpenSSL in a worker thread, 64 KiB chunks', block, NETWORK_CHUNK),
		await session('native: OpenSSL in a worker thread, 1 MiB chunks', block, MiB),
	];
	process.stdout.write(JSON.stringify({ startup, figures }));
}

/** The native engine, measured in a child process started with the legacy provider. */
function nativeInChildProcess(block: Buffer): { startup: number; figures: HashFigure[] } {
	const output = execFileSync(process.execPath, ['--openssl-legacy-provider', __filename], {
		input: block,
		env: { ...process.env, BENCH_WHIRLPOOL_ROLE: 'native' },
	});
	return JSON.parse(output.toString());
}

/** Each candidate once per round, RUNS rounds (load elsewhere then touches them alike); the best of each. */
async function hashCandidates(): Promise<{ figures: HashFigure[]; startups: Record<string, number> }> {
	const block = randomBytes(MiB);
	const startups: Record<string, number> = {};
	// Only the first round starts each engine afresh (later ones find an idle worker or helper).
	const fresh = async (engine: 'helper process' | 'hash-wasm') => {
		useWhirlpoolChoiceForTesting(engine === 'hash-wasm' ? { helper: { unavailable: 'benchmark' } } : {});
		const ms = await startupMs();
		startups[engine] ??= ms;
	};
	const candidates: Array<() => Promise<HashFigure[]>> = [
		async () => {
			const { startup, figures } = nativeInChildProcess(block);
			startups.native ??= startup;
			return figures;
		},
		async () => {
			await fresh('helper process');
			return [
				await session('helper process (the choice in n8n\'s process), 64 KiB chunks', block, NETWORK_CHUNK),
				await session('helper process, 1 MiB chunks', block, MiB),
			];
		},
		async () => {
			await fresh('hash-wasm');
			return [
				await session('hash-wasm in a worker thread, 64 KiB chunks', block, NETWORK_CHUNK),
				await session('hash-wasm in a worker thread, 1 MiB chunks', block, MiB),
				await callingThread('hash-wasm, calling thread (reference)', block, await createWhirlpoolHasher()),
			];
		},
	];
	const best = new Map<string, HashFigure>();
	for (let round = 0; round < RUNS; round++) {
		for (const candidate of candidates) {
			for (const figure of await candidate()) {
				const known = best.get(figure.name);
				if (!known || figure.mibPerSecond > known.mibPerSecond) best.set(figure.name, figure);
			}
		}
	}
	useWhirlpoolChoiceForTesting();
	return { figures: [...best.values()], startups };
}

// ---- transfers -----------------------------------------------------------------------------

async function writeTestFile(file: string, mib: number): Promise<void> {
	const out = createWriteStream(file);
	const block = randomBytes(MiB);
	for (let index = 0; index < mib; index++) {
		block.writeUInt32LE(index, 0); // every MiB differs
		if (!out.write(Buffer.from(block))) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
}

/** A simulator process (its CPU and memory are not this process's) on a free port. */
interface SimulatorProcess {
	child: ChildProcess;
	sim: Simulator;
}

async function simulatorProcess(dataDir: string, extraArgs: string[]): Promise<SimulatorProcess> {
	const cli = path.join(__dirname, '..', 'simulator', 'cli.js');
	const args = [cli, '--port', '0', '--seed', 'empty', '--data-dir', dataDir, '--key', KEY, '--quiet', ...extraArgs];
	const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
	// Read to the end (a closed pipe would kill the simulator when it says goodbye).
	let printed = '';
	const baseUrl = await new Promise<string>((resolve, reject) => {
		child.stdout!.on('data', (text) => {
			printed += String(text);
			const found = /Base URL:\s+(\S+)/.exec(printed)?.[1];
			if (found) resolve(found);
		});
		child.once('exit', () => reject(new Error(`the simulator did not start:\n${printed}`)));
	});
	return { child, sim: { keys: [KEY], baseUrl } as Simulator };
}

async function stopSimulator({ child }: SimulatorProcess): Promise<void> {
	if (child.exitCode !== null) return;
	child.kill('SIGTERM');
	await once(child, 'exit');
}

interface TransferRun {
	seconds: number;
	/** CPU time of this process (every thread, a hashing worker included; not a helper process) during the run. */
	cpuSeconds: number;
	/** CPU time of the simulator's process during the run. */
	simulatorCpuSeconds: number;
	peakGrowthMiB: number;
	verified: unknown;
}

/** Runs the node once; its own execution time (from n8n's execution data) and this process's peak RSS growth. */
/** User + system CPU seconds a process has used so far (Linux /proc; clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function transfer({ sim, child }: SimulatorProcess, parameters: INodeParameters, file?: string): Promise<TransferRun> {
	execFileSync('sync'); // one run's disk writeback must not slow the next
	// The key's calls are spaced 500 ms apart: a run right after another would wait for the
	// previous run's last call, whichever setting it measures.
	await new Promise((resolve) => setTimeout(resolve, 1000));
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
	const cpuBefore = process.cpuUsage();
	const simulatorCpuBefore = cpuSecondsOf(child.pid!);
	try {
		const items = file ? [{ files: [{ path: file, fileName: path.basename(file) }] }] : undefined;
		const result = await runNode(sim, parameters, {
			items,
			rateLimits: { requestSpacingMs: 500, floodWaitSeconds: 30, maxRetryWaitSeconds: 300 },
		});
		if (result.error) throw result.error;
		const ms = result.run.data.resultData.runData['1fichier'][0].executionTime;
		const cpu = process.cpuUsage(cpuBefore);
		return {
			seconds: ms / 1000,
			cpuSeconds: (cpu.user + cpu.system) / 1e6,
			simulatorCpuSeconds: cpuSecondsOf(child.pid!) - simulatorCpuBefore,
			peakGrowthMiB: (peak - baseline) / MiB,
			verified: result.items[0].json.verified,
		};
	} finally {
		clearInterval(sampler);
		// The run's binaries (a GiB each) are not needed again.
		rmSync(process.env.N8N_BINARY_DATA_STORAGE_PATH!, { recursive: true, force: true });
	}
}

const upload = (verifyChecksum: boolean) => ({
	resource: 'file',
	operation: 'upload',
	binaryPropertyName: 'data',
	folder: { __rl: true, mode: 'id', value: '0' },
	options: { verifyChecksum },
});

const download = (url: string, verifyChecksum: boolean) => ({
	resource: 'file',
	operation: 'download',
	file: { __rl: true, mode: 'url', value: url },
	binaryPropertyName: 'data',
	options: { verifyChecksum },
});

interface TransferRow {
	name: string;
	unverified: TransferRun;
	verified: TransferRun;
	/** The hash of the same bytes alone, measured in the same turns (the machine's load varies). */
	hashAloneSeconds: number;
}

const fastest = (a: TransferRun | undefined, b: TransferRun) => (a && a.seconds <= b.seconds ? a : b);

/** RUNS turns of the hash alone, the unverified and the verified transfer; the fastest of each. */
async function compare(name: string, file: string, run: (verify: boolean) => Promise<TransferRun>): Promise<TransferRow> {
	let unverified: TransferRun | undefined;
	let verified: TransferRun | undefined;
	let hashAloneSeconds = Infinity;
	for (let turn = 0; turn < RUNS; turn++) {
		hashAloneSeconds = Math.min(hashAloneSeconds, await hashAlone(file));
		unverified = fastest(unverified, await run(false));
		verified = fastest(verified, await run(true));
	}
	return { name, unverified: unverified!, verified: verified!, hashAloneSeconds };
}

async function hashAlone(file: string): Promise<number> {
	execFileSync('sync');
	const started = performance.now();
	await whirlpoolOfStream(createReadStream(file, { highWaterMark: MiB }));
	return (performance.now() - started) / 1000;
}

async function transfers(work: string): Promise<TransferRow[]> {
	const file = path.join(work, `bench-${TRANSFER_MIB}MiB.bin`);
	console.log(`Writing a ${TRANSFER_MIB} MiB file…`);
	await writeTestFile(file, TRANSFER_MIB);
	const hashing = await simulatorProcess(path.join(work, 'sim-whirlpool'), []);
	const plain = await simulatorProcess(path.join(work, 'sim-plain'), ['--no-checksums']);
	try {
		const stored = await runNode(hashing.sim, upload(false), { items: [{ files: [{ path: file, fileName: 'stored.bin' }] }] });
		const url = String(stored.items[0].json.url);
		return [
			await compare('upload, the service hashes what it receives', file, (verify) => transfer(hashing, upload(verify), file)),
			await compare('upload, the service gives no checksum', file, (verify) => transfer(plain, upload(verify), file)),
			await compare('download', file, (verify) => transfer(hashing, download(url, verify))),
		];
	} finally {
		await Promise.all([stopSimulator(hashing), stopSimulator(plain)]);
	}
}

// ---- report --------------------------------------------------------------------------------

function printHashFigures({ figures, startups }: { figures: HashFigure[]; startups: Record<string, number> }, load: string): void {
	console.log(`\nWhirlpool of ${HASH_MIB} MiB (best of ${RUNS}; load average ${load})`);
	console.log(`${'candidate'.padEnd(64)} ${'MiB/s'.padStart(7)}   event loop busy   digest after the last byte`);
	for (const figure of figures) {
		const busy = figure.loopBusy === undefined ? '' : `${(figure.loopBusy * 100).toFixed(0)} %`;
		const tail = figure.tailMs === undefined ? '' : `${figure.tailMs.toFixed(0)} ms`;
		console.log(`${figure.name.padEnd(64)} ${figure.mibPerSecond.toFixed(0).padStart(7)}   ${busy.padStart(15)}   ${tail.padStart(26)}`);
	}
	const startLine = Object.entries(startups).map(([engine, ms]) => `${engine} ${ms.toFixed(0)} ms`);
	console.log(`first digest in a process (the engine starting; native: in its child process): ${startLine.join(', ')}`);
}

function printTransfers(rows: TransferRow[]): void {
	console.log(`\n${TRANSFER_MIB} MiB through the node, best of ${RUNS} (hash alone: the package's engine hashing the file, in the same turns)`);
	console.log(
		`${'transfer'.padEnd(46)} unverified s  hash alone s  verified s  verified/max(unverified, hash)  verified  CPU s node+simulator, unverified/verified  peak RSS growth`,
	);
	for (const { name, unverified, verified, hashAloneSeconds } of rows) {
		const ratio = verified.seconds / Math.max(unverified.seconds, hashAloneSeconds);
		const cpuOf = (run: TransferRun) => `${run.cpuSeconds.toFixed(1)}+${run.simulatorCpuSeconds.toFixed(1)}`;
		const cpu = `${cpuOf(unverified)} / ${cpuOf(verified)}`;
		console.log(
			`${name.padEnd(46)} ${unverified.seconds.toFixed(2).padStart(12)} ${hashAloneSeconds.toFixed(2).padStart(13)} ${verified.seconds.toFixed(2).padStart(11)} ${`${ratio.toFixed(2)}x`.padStart(31)}  ${String(verified.verified).padStart(8)}  ${cpu.padStart(37)}  ${verified.peakGrowthMiB.toFixed(0).padStart(10)} MiB`,
		);
	}
	console.log('target: verified <= 1.10x max(unverified, hash alone)');
}

async function main(): Promise<void> {
	if (CHILD_ROLE === 'native') return await nativeChild();
	const work = mkdtempSync(path.join(tmpdir(), 'bench-whirlpool-'));
	try {
		const loadBefore = loadavg()[0].toFixed(1);
		const hashes = await hashCandidates();
		printHashFigures(hashes, `${loadBefore} → ${loadavg()[0].toFixed(1)}`);
		if (TRANSFER_MIB > 0) printTransfers(await transfers(work));
	} finally {
		rmSync(work, { recursive: true, force: true });
		if (process.env.N8N_USER_FOLDER) rmSync(process.env.N8N_USER_FOLDER, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
