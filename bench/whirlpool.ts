/**
 * Whirlpool benchmark.
 *
 * 1. MiB/s of each way to hash: OpenSSL's native Whirlpool (legacy provider, in a child process:
 *    a package cannot turn that provider on in n8n's process), hash-wasm on the calling thread,
 *    hash-wasm in the worker as the node feeds it (batched transferable buffers), and two simpler
 *    ways to feed a worker (one message per network chunk, cloned or transferred), with how busy
 *    each keeps this process's event loop.
 * 2. Transfers through the node (n8n-core's engine, filesystem binary mode, like bench/transfer.ts)
 *    with verification off and on, next to the hash of the same bytes alone: verification should
 *    cost at most 1.10 × the longer of the two, since it hashes beside the transfer.
 *
 *   npm run bench:whirlpool                          # hashes 256 MiB, transfers 1 GiB
 *   BENCH_MIB=256 BENCH_HASH_MIB=128 BENCH_RUNS=1 npm run bench:whirlpool
 *
 * On a shared machine every figure is the best of BENCH_RUNS (2) runs, the two settings of a row
 * taking turns, so that a burst of load elsewhere does not decide a comparison.
 */
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { once } from 'events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { performance } from 'perf_hooks';
import { Worker } from 'worker_threads';

import type { INodeParameters } from 'n8n-workflow';

import {
	createWhirlpoolHasher,
	HASH_BUFFER_BYTES,
	HASH_BUFFERS_IN_FLIGHT,
	startWhirlpool,
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
const WORKER_FILE = path.join(__dirname, '..', 'nodes', 'OneFichier', 'transfer', 'whirlpool.worker.js');

interface HashFigure {
	name: string;
	mibPerSecond: number;
	/** Share of the time this process's event loop was busy (undefined: another process). */
	loopBusy?: number;
}

/** One run of `work` over HASH_MIB, and how busy it kept the event loop. */
async function measure(name: string, work: () => Promise<void> | void): Promise<HashFigure> {
	const loopBefore = performance.eventLoopUtilization();
	const started = performance.now();
	await work();
	const mibPerSecond = HASH_MIB / ((performance.now() - started) / 1000);
	return { name, mibPerSecond, loopBusy: performance.eventLoopUtilization(loopBefore).utilization };
}

/** The bytes to hash, as chunks of `size` over one random MiB (no big allocation). */
function* chunksOf(block: Buffer, size: number): Generator<Buffer> {
	for (let sent = 0; sent < HASH_MIB * MiB; sent += size) {
		const offset = sent % block.length;
		yield block.subarray(offset, offset + size);
	}
}

function nativeInChildProcess(block: Buffer): HashFigure {
	const script = `
const { createHash } = require('crypto');
const block = require('fs').readFileSync(0);
const started = performance.now();
const hash = createHash('whirlpool');
for (let i = 0; i < ${HASH_MIB}; i++) hash.update(block);
hash.digest('hex');
process.stdout.write(String(performance.now() - started));`;
	const ms = Number(execFileSync(process.execPath, ['--openssl-legacy-provider', '-e', script], { input: block }).toString());
	return { name: 'native (OpenSSL legacy provider, child process)', mibPerSecond: HASH_MIB / (ms / 1000) };
}

/** One message per chunk, copied out of the chunk: cloned again by postMessage, or transferred. */
async function workerPerChunk(block: Buffer, mode: 'clone' | 'transfer'): Promise<void> {
	const worker = new Worker(WORKER_FILE);
	await once(worker, 'message');
	const maxInFlight = (HASH_BUFFERS_IN_FLIGHT * HASH_BUFFER_BYTES) / NETWORK_CHUNK;
	let inFlight = 0;
	let wake: (() => void) | undefined;
	const digest = new Promise((resolve) =>
		worker.on('message', (answer: { free?: ArrayBuffer; digest?: string }) => {
			if (answer.digest) return resolve(answer.digest);
			inFlight--;
			wake?.();
		}),
	);
	for (const chunk of chunksOf(block, NETWORK_CHUNK)) {
		while (inFlight >= maxInFlight) await new Promise<void>((resolve) => (wake = resolve));
		const bytes = chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.length);
		worker.postMessage({ bytes, length: chunk.length }, mode === 'transfer' ? [bytes] : []);
		inFlight++;
	}
	worker.postMessage({ digest: true });
	await digest;
	await worker.terminate();
}

async function nodeWorker(block: Buffer, chunkSize: number): Promise<void> {
	const hashing = startWhirlpool();
	for (const chunk of chunksOf(block, chunkSize)) await hashing.update(chunk);
	await hashing.digest();
}

/** Each candidate once per round, RUNS rounds (load elsewhere then touches them alike); the best of each. */
async function hashCandidates(): Promise<HashFigure[]> {
	const block = randomBytes(MiB);
	const engine = await whirlpoolEngineName(); // also starts the pooled worker before timing
	const candidates: Array<() => HashFigure | Promise<HashFigure>> = [
		() => nativeInChildProcess(block),
		() =>
			measure(`${engine}, calling thread`, async () => {
				const hasher = await createWhirlpoolHasher();
				for (const chunk of chunksOf(block, MiB)) hasher.update(chunk);
				hasher.digest();
			}),
		() => measure(`${engine}, worker, 64 KiB messages, cloned`, () => workerPerChunk(block, 'clone')),
		() => measure(`${engine}, worker, 64 KiB messages, transferred`, () => workerPerChunk(block, 'transfer')),
		() => measure(`${engine}, worker as the node feeds it (64 KiB chunks)`, () => nodeWorker(block, NETWORK_CHUNK)),
		() => measure(`${engine}, worker as the node feeds it (1 MiB chunks)`, () => nodeWorker(block, MiB)),
	];
	const best: HashFigure[] = [];
	for (let round = 0; round < RUNS; round++) {
		for (const [index, candidate] of candidates.entries()) {
			const figure = await candidate();
			if (!best[index] || figure.mibPerSecond > best[index].mibPerSecond) best[index] = figure;
		}
	}
	return best;
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
	/** CPU time of this process (every thread, the worker included) during the run. */
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

function printHashFigures(figures: HashFigure[]): void {
	console.log(`\nWhirlpool of ${HASH_MIB} MiB (best of ${RUNS})`);
	console.log(`${'candidate'.padEnd(62)} ${'MiB/s'.padStart(7)}   event loop busy`);
	for (const figure of figures) {
		const busy = figure.loopBusy === undefined ? '(other process)' : `${(figure.loopBusy * 100).toFixed(0)} %`;
		console.log(`${figure.name.padEnd(62)} ${figure.mibPerSecond.toFixed(0).padStart(7)}   ${busy}`);
	}
}

function printTransfers(rows: TransferRow[]): void {
	console.log(`\n${TRANSFER_MIB} MiB through the node, best of ${RUNS} (hash alone: the worker hashing the file, in the same turns)`);
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
	const work = mkdtempSync(path.join(tmpdir(), 'bench-whirlpool-'));
	try {
		printHashFigures(await hashCandidates());
		if (TRANSFER_MIB > 0) printTransfers(await transfers(work));
	} finally {
		rmSync(work, { recursive: true, force: true });
		rmSync(process.env.N8N_USER_FOLDER!, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
