#!/usr/bin/env node
// npm run bench: uploads and downloads through the 1fichier node in a real n8n (the one the e2e
// suite installs: n8n 2.41.1 on Node.js 24, binary data in filesystem mode), next to n8n's HTTP
// Request node doing the same steps, n8n's own floor for the same bytes, and curl, all against the
// local simulator. Every n8n measurement is one fresh `n8n execute --id` process: times are the
// nodes' executionTime from n8n's execution data, memory is the process's RSS sampled every 10 ms
// during the execution, against a baseline workflow that transfers nothing.
//
//   npm run bench                          # 64 MiB and 1 GiB, 3 runs each (about 10 minutes)
//   BENCH_MIB=256 BENCH_RUNS=1 npm run bench
//   BENCH_ROWS=store-down,node-down npm run bench      # some rows only (baseline always runs)
//   BENCH_PROFILE=cpu npm run bench        # --cpu-prof of every n8n process (also: heap, gc)
//   SKIP_BUILD=1 npm run bench             # use the existing dist/ and build/
//
// Output: a markdown table on stdout, also written with every sample to test-artifacts/bench/.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';

import { buildPackage } from '../stack/build.mjs';
import { SIM_CREDENTIAL, importWorkflows, prepareN8n } from '../stack/instance.mjs';
import { freePort, repoRoot } from '../stack/n8n.mjs';
import { log } from '../stack/provision.mjs';
import { simulatorControl, startSimulator } from '../stack/simulator.mjs';
import { downloadedBytes, nodeVerified, rowWorkflows, uploadedFile } from './workflows.mjs';

const SIZES = (process.env.BENCH_MIB ?? '64,1024').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PROFILE = process.env.BENCH_PROFILE;
/** Node flags for the n8n process (not its task runner): CPU profile, heap profile, GC trace. */
const PROFILE_FLAGS = {
	cpu: (dir) => ['--cpu-prof', `--cpu-prof-dir=${dir}`],
	heap: (dir) => ['--heap-prof', `--heap-prof-dir=${dir}`],
	gc: () => ['--trace-gc'],
};
const ALL_ROWS = [
	'store-up', 'files-up', 'node-up', 'http-up', 'curl-up', 'hash', 'nodev-up',
	'store-down', 'files-down', 'node-down', 'http-down', 'curl-down', 'nodev-down',
];
/**
 * What the simulator does with what each upload row sends. 1fichier hashes and stores uploads on
 * its own servers; on this 2-core host the simulator's hash and disk writes would take n8n's CPU.
 * So upload rows are received, parsed and counted, not written; unverified rows get no checksum
 * (nothing asks for it), the verified upload gets the source's checksum, computed beforehand.
 */
const CHECKSUM_MODE = { 'node-up': 'none', 'http-up': 'none', 'curl-up': 'none', 'nodev-up': 'given' };
const sendsToSimulator = (row) => row in CHECKSUM_MODE;
const ROWS = process.env.BENCH_ROWS ? process.env.BENCH_ROWS.split(',') : ALL_ROWS;
const SAMPLE_MS = 10;

const artifacts = path.join(repoRoot, 'test-artifacts', 'bench');
const userFolder = path.join(artifacts, 'n8n');
const dataDir = path.join(artifacts, 'data');
const storeDir = path.join(artifacts, 'store');
const MiB = 1048576;

async function makeFile(file, mib) {
	if (fs.existsSync(file) && fs.statSync(file).size === mib * MiB) return;
	const out = fs.createWriteStream(file);
	const chunk = Buffer.alloc(MiB);
	for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + 7) & 0xff;
	for (let i = 0; i < mib; i++) {
		chunk.writeUInt32LE(i, 0);
		if (!out.write(Buffer.from(chunk))) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
}

/** Installs bench/floor-node beside the package in the benchmark's n8n (never in a user's n8n). */
function installFloorNode() {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', 'n8n-nodes-bench-floor');
	fs.rmSync(target, { recursive: true, force: true });
	fs.cpSync(path.join(repoRoot, 'bench', 'floor-node'), target, { recursive: true });
	const ledger = JSON.parse(fs.readFileSync(path.join(nodesDir, 'package.json'), 'utf8'));
	ledger.dependencies['n8n-nodes-bench-floor'] = '0.0.1';
	fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify(ledger, null, 2));
}

/** Flushes dirty pages first, so one measurement's disk writeback does not slow the next one. */
const settleDisk = () => execFileSync('sync');

async function apiCall(sim, endpoint, body, retry = true) {
	let response;
	try {
		response = await fetch(`${sim.baseUrl}/${endpoint}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
	} catch (error) {
		// fetch may reuse a kept-alive connection the server has just closed: once more, fresh.
		if (retry) return await apiCall(sim, endpoint, body, false);
		throw error;
	}
	const json = await response.json();
	// The simulator paces keys like 1fichier (about 3 calls a second): stay well below.
	await new Promise((resolve) => setTimeout(resolve, 600));
	return json;
}

function curlMs(args) {
	settleDisk();
	const start = process.hrtime.bigint();
	execFileSync('curl', ['-sS', '--fail', ...args]);
	return Number(process.hrtime.bigint() - start) / 1e6;
}

async function curlUpload(sim, file, name) {
	const server = await apiCall(sim, 'upload/get_upload_server.cgi', {});
	const ms = curlMs([
		'-o', '/dev/null', '-H', `Authorization: Bearer ${sim.apiKey}`, '-F', 'did=0',
		'-F', `file[]=@${file};filename=${name}`, `http://${server.url}/upload.cgi?id=${server.id}`,
	]);
	const end = JSON.parse(execFileSync('curl', ['-sS', '-H', 'JSON: 1', `http://${server.url}/end.pl?xid=${server.id}`]).toString());
	return { ms, url: end.links[0].download };
}

async function curlDownload(sim, url, target) {
	const token = await apiCall(sim, 'download/get_token.cgi', { url });
	const ms = curlMs(['-o', target, token.url]);
	fs.rmSync(target, { force: true });
	return { ms };
}

/** Reads a process's RSS (MiB) and CPU time used so far (ms, user + system, all threads). */
function processFigures(pid) {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		// utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (1/100 s).
		const ticks = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return { rssMiB: Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024, cpuMs: (Number(ticks[11]) + Number(ticks[12])) * 10 };
	} catch {
		return undefined; // the process has exited
	}
}

/**
 * CPU time (ms) used so far by a process's worker threads (named `WorkerThread` by Node): in the
 * verified and hash rows, the package's hashing worker.
 */
function workerThreadsCpuMs(pid) {
	let ticks = 0;
	try {
		for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
			const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
			if (!stat.includes('(WorkerThread)')) continue;
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			ticks += Number(fields[11]) + Number(fields[12]);
		}
	} catch {
		return undefined; // the process or the thread has exited
	}
	return ticks * 10;
}

/** Rows whose hashing worker's CPU time is sampled too (every 5th sample: it reads every thread's stat). */
const samplesHashingWorker = (row) => row === 'hash' || row.startsWith('nodev-');
const WORKER_SAMPLE_EVERY = 5;

/**
 * Samples the n8n process and the simulator every 10 ms: { t, n8n: {rssMiB, cpuMs}, sim: {…} },
 * with `workerMs` (the worker threads' CPU time, last read) when `withWorkers`.
 */
function sampler(pid, simulatorPid, withWorkers) {
	const samples = [];
	let tick = 0;
	let workerMs;
	const timer = setInterval(() => {
		const n8n = processFigures(pid);
		if (withWorkers && tick++ % WORKER_SAMPLE_EVERY === 0) workerMs = workerThreadsCpuMs(pid) ?? workerMs;
		if (n8n) samples.push({ t: Date.now(), n8n, sim: processFigures(simulatorPid), workerMs });
	}, SAMPLE_MS);
	return { samples, stop: () => clearInterval(timer) };
}

/** Peak RSS and CPU used by n8n and by the simulator between two instants. */
function windowFigures(samples, from, to) {
	const inside = samples.filter(({ t }) => t >= from - SAMPLE_MS && t <= to + SAMPLE_MS);
	const first = samples.filter(({ t }) => t <= from).at(-1) ?? inside[0];
	const last = inside.at(-1);
	return {
		peakMiB: Math.max(...inside.map((s) => s.n8n.rssMiB)),
		cpuMs: last.n8n.cpuMs - first.n8n.cpuMs,
		simCpuMs: (last.sim?.cpuMs ?? NaN) - (first.sim?.cpuMs ?? NaN),
		workerCpuMs: last.workerMs === undefined ? undefined : last.workerMs - (first.workerMs ?? 0),
	};
}

/** The execution's JSON: `n8n execute --rawOutput` logs it as the last info line starting with `{`. */
function executionFromOutput(stdout) {
	let found;
	for (const line of stdout.split('\n')) {
		try {
			const entry = JSON.parse(line);
			if (typeof entry.message === 'string' && entry.message.startsWith('{')) found = entry.message;
		} catch {
			/* not a log line */
		}
	}
	return found ? JSON.parse(found) : undefined;
}

function failureOf(execution, stdout) {
	const resultData = execution?.data?.resultData;
	if (!resultData) return stdout.split('\n').slice(-15).join('\n');
	const lines = [resultData.error?.message];
	for (const [node, runs] of Object.entries(resultData.runData ?? {})) {
		for (const run of runs) if (run.error) lines.push(`${node}: ${run.error.message} ${run.error.description ?? ''}`);
	}
	return lines.filter(Boolean).join('\n');
}

/** One fresh `n8n execute` process running one workflow. */
async function measureN8n(n8n, baseEnv, simulatorPid, label, spec, attempt = 1) {
	const brokerPort = await freePort(0);
	const profileDir = path.join(artifacts, 'profiles', label);
	if (PROFILE) fs.mkdirSync(profileDir, { recursive: true });
	const profiling = PROFILE ? PROFILE_FLAGS[PROFILE](profileDir) : [];
	const env = { ...baseEnv, N8N_RUNNERS_BROKER_PORT: String(brokerPort) };
	settleDisk();
	const child = spawn(n8n.nodeBin, [...profiling, n8n.n8nMain, 'execute', `--id=${spec.workflow.id}`, '--rawOutput'], {
		env,
		cwd: userFolder,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const sampling = sampler(child.pid, simulatorPid, spec.sampleWorkers);
	let stdout = '';
	child.stdout.on('data', (d) => (stdout += d));
	child.stderr.on('data', (d) => (stdout += d));
	const [code, signal] = await once(child, 'close');
	sampling.stop();
	if (PROFILE) fs.writeFileSync(path.join(profileDir, 'output.log'), stdout);
	fs.rmSync(storeDir, { recursive: true, force: true });
	const execution = executionFromOutput(stdout);
	const runData = execution?.data?.resultData?.runData;
	// n8n 2.41's CLI now and then dies with SIGSEGV while it shuts down: the execution it printed
	// before is complete and counts; a crash before any output is retried.
	if (signal && !runData && attempt < 3) {
		log(`  (${label}: n8n exited with ${signal} before running the workflow; starting it again)`);
		return await measureN8n(n8n, baseEnv, simulatorPid, label, spec, attempt + 1);
	}
	if ((code !== 0 && !signal) || !runData || execution.data.resultData.error) {
		throw new Error(`${label}: n8n execute exited with ${code ?? signal}\n${failureOf(execution, stdout)}`);
	}
	const run = (name) => runData[name][0];
	const time = (names) => names.reduce((sum, name) => sum + run(name).executionTime, 0);
	// The measured nodes' span (the whole execution for the baseline).
	const from = spec.timed.length ? Math.min(...spec.timed.map((name) => run(name).startTime)) : Date.parse(execution.startedAt);
	const to = spec.timed.length
		? Math.max(...spec.timed.map((name) => run(name).startTime + run(name).executionTime))
		: Date.parse(execution.stoppedAt);
	return {
		ms: time(spec.timed),
		apiMs: time(spec.api ?? []),
		...windowFigures(sampling.samples, from, to),
		runData,
	};
}

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const seconds = (ms) => (ms / 1000).toFixed(2);

function summary(results, key, size, row) {
	const values = results.filter((r) => r.size === size && r.row === row && r[key] !== undefined).map((r) => r[key]);
	return values.length ? { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length } : undefined;
}

function timeCell(s) {
	return s.n > 1 ? `${seconds(s.median)} s (${seconds(s.min)}–${seconds(s.max)})` : `${seconds(s.median)} s`;
}

/**
 * Peak RSS growth of a row: its peak during the measured nodes minus the peak of the same workflow
 * without them. For downloads that is the baseline workflow (nothing but a trigger); for uploads,
 * whose workflows first read the file into n8n's store, the Read File workflow (files-down).
 */
function growth(results, size, row) {
	const peak = summary(results, 'peakMiB', size, row)?.median;
	const reference = row.endsWith('-up') ? summary(results, 'peakMiB', size, 'files-down') : summary(results, 'peakMiB', 0, 'baseline');
	return peak === undefined || !reference ? undefined : peak - reference.median;
}

const sizeName = (size) => (size >= 1024 ? `${size / 1024} GiB` : `${size} MiB`);
const signed = (mib) => `${mib < 0 ? '−' : '+'}${Math.abs(Math.round(mib))} MiB`;

/** The table: per size and direction, the floor, the node, the HTTP Request node, Read/Write Files, curl. */
function table(results) {
	const lines = [
		'| | floor: n8n\'s store alone | the node | HTTP Request node | Read/Write Files nodes | curl | node ÷ (floor + API calls) |',
		'|---|---|---|---|---|---|---|',
	];
	const verdicts = [];
	for (const size of SIZES) {
		for (const direction of ['up', 'down']) {
			const name = `${direction === 'up' ? 'upload' : 'download'} ${sizeName(size)}`;
			const time = (tool) => summary(results, 'ms', size, `${tool}-${direction}`);
			const cell = (tool) => {
				if (!time(tool)) return '–';
				const mib = tool === 'curl' ? undefined : growth(results, size, `${tool}-${direction}`);
				return `${timeCell(time(tool))}${mib === undefined ? '' : `, ${signed(mib)}`}`;
			};
			const [floor, node, http] = ['store', 'node', 'http'].map((tool) => time(tool)?.median);
			const api = summary(results, 'apiMs', size, `http-${direction}`)?.median ?? 0;
			const ratio = floor && node ? `${(node / (floor + api)).toFixed(2)}x (API calls ${seconds(api)} s)` : '–';
			lines.push(`| ${name} | ${cell('store')} | ${cell('node')} | ${cell('http')} | ${cell('files')} | ${cell('curl')} | ${ratio} |`);
			if (floor && node) verdicts.push(`${name}: the node ${node <= 1.1 * floor + api ? 'is within' : 'is NOT within'} 1.10 × floor + API calls`);
			if (http && node) verdicts.push(`${name}: the node is ${node < http ? 'faster' : 'NOT faster'} than the HTTP Request node`);
			const nodeGrowth = growth(results, size, `node-${direction}`);
			const floorGrowth = growth(results, size, `store-${direction}`);
			if (nodeGrowth !== undefined) {
				const ok = nodeGrowth <= 64 || (floorGrowth !== undefined && nodeGrowth <= floorGrowth + 16);
				verdicts.push(`${name}: the node's memory growth (${signed(nodeGrowth)}) is ${ok ? 'within' : 'NOT within'} +64 MiB or the floor's + 16 MiB`);
			}
		}
	}
	return { markdown: lines.join('\n'), verdicts };
}

/** Issue 10, item 3: a verified transfer against the longer of the unverified one and the hash alone. */
function verifiedTable(results) {
	const lines = [
		'| | unverified | hash alone | verified | verified ÷ max(unverified, hash alone) | hashing worker\'s CPU (share of the time): hash alone; verified | peak RSS growth, verified |',
		'|---|---|---|---|---|---|---|',
	];
	const verdicts = [];
	for (const size of SIZES) {
		const hash = summary(results, 'ms', size, 'hash');
		for (const direction of ['up', 'down']) {
			const name = `${direction === 'up' ? 'upload' : 'download'} ${sizeName(size)}`;
			const plain = summary(results, 'ms', size, `node-${direction}`);
			const verified = summary(results, 'ms', size, `nodev-${direction}`);
			if (!verified) continue;
			const bound = Math.max(plain?.median ?? 0, hash?.median ?? 0);
			const ratio = bound ? verified.median / bound : undefined;
			const mib = growth(results, size, `nodev-${direction}`);
			const cell = (s) => (s ? timeCell(s) : '–');
			const hashing = (row) => {
				const cpu = summary(results, 'workerCpuMs', size, row);
				return cpu ? `${seconds(cpu.median)} s (${Math.round(100 * hashingShare(results, size, row))} %)` : '–';
			};
			lines.push(
				`| ${name} | ${cell(plain)} | ${cell(hash)} | ${cell(verified)} | ${ratio ? `${ratio.toFixed(2)}x` : '–'} | ` +
					`${hashing('hash')}; ${hashing(`nodev-${direction}`)} | ${mib === undefined ? '–' : signed(mib)} |`,
			);
			if (ratio) verdicts.push(`${name}, verified: ${ratio <= 1.1 ? 'within' : 'NOT within'} 1.10 × max(unverified, hash alone)${ratio <= 1.1 ? '' : hashCpuNote(results, size, direction)}`);
		}
	}
	return { markdown: lines.join('\n'), verdicts };
}

/**
 * The median, over runs, of the hashing worker's CPU time as a share of the row's time. Near 100 %
 * the row took as long as computing the hash and waited for nothing else; on a shared host the
 * same hash takes more or less CPU from one minute to the next, so compare shares, not seconds.
 */
function hashingShare(results, size, row) {
	const shares = results.filter((r) => r.size === size && r.row === row && r.workerCpuMs !== undefined).map((r) => r.workerCpuMs / r.ms);
	return shares.length ? median(shares) : undefined;
}

/** Why a verified row missed its bound: the hash's own CPU time, this row against the hash alone. */
function hashCpuNote(results, size, direction) {
	const alone = summary(results, 'workerCpuMs', size, 'hash');
	const verified = summary(results, 'workerCpuMs', size, `nodev-${direction}`);
	if (!alone || !verified) return '';
	const share = Math.round(100 * hashingShare(results, size, `nodev-${direction}`));
	return ` (its hashing worker computed for ${share} % of it and used ${seconds(verified.median)} s of CPU for the bytes the hash alone hashed in ${seconds(alone.median)} s)`;
}

/** Rows to run: upload rows need files-down, their memory reference. */
function rowsToRun() {
	const rows = ALL_ROWS.filter((row) => ROWS.includes(row));
	if (rows.some((row) => row.endsWith('-up')) && !rows.includes('files-down')) rows.unshift('files-down');
	return rows;
}

async function main() {
	fs.mkdirSync(dataDir, { recursive: true });
	await buildPackage();
	const sim = await startSimulator({ port: await freePort(0), seed: 'empty', logFile: path.join(artifacts, 'simulator.log') });
	const rows = rowsToRun();
	try {
		const { n8n, env } = await prepareN8n({
			userFolder,
			port: await freePort(0),
			brokerPort: await freePort(0),
			credential: SIM_CREDENTIAL,
			apiKey: sim.apiKey,
			credBaseUrl: sim.baseUrl,
			importExamples: false,
		});
		installFloorNode();
		const baseEnv = {
			...env,
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			N8N_BINARY_DATA_STORAGE_PATH: storeDir,
			N8N_RESTRICT_FILE_ACCESS_TO: dataDir,
			N8N_LOG_FORMAT: 'json',
			N8N_LOG_LEVEL: 'info',
		};

		const specs = {};
		const sources = {};
		const workflows = new Map();
		for (const size of SIZES) {
			const sourceFile = path.join(dataDir, `bench-${size}MiB.bin`);
			log(`bench: ${size} MiB source file and its copy in the simulator…`);
			await makeFile(sourceFile, size);
			const url = (await curlUpload(sim, sourceFile, `bench-${size}MiB.bin`)).url;
			const { checksum } = await apiCall(sim, 'file/info.cgi', { url });
			sources[size] = { file: sourceFile, url, checksum };
			specs[size] = rowWorkflows({
				mib: size,
				sourceFile,
				sourceUrl: sources[size].url,
				outFile: path.join(dataDir, `written-${size}MiB.bin`),
				apiBase: sim.baseUrl,
				credential: SIM_CREDENTIAL,
			});
			for (const row of ['baseline', ...rows]) if (specs[size][row]) workflows.set(specs[size][row].workflow.id, specs[size][row].workflow);
		}
		await importWorkflows(n8n, baseEnv, [...workflows.values()]);

		const results = [];
		const record = (entry) => {
			results.push(entry);
			const figures =
				entry.peakMiB === undefined
					? ''
					: `  peak RSS ${entry.peakMiB.toFixed(0)} MiB, CPU n8n ${seconds(entry.cpuMs)} s, simulator ${seconds(entry.simCpuMs)} s` +
						(entry.workerCpuMs === undefined ? '' : `, hashing worker ${seconds(entry.workerCpuMs)} s`);
			log(`  run ${entry.run} ${String(entry.size).padStart(4)} MiB ${entry.row.padEnd(10)} ${seconds(entry.ms).padStart(7)} s${figures}`);
		};
		const control = simulatorControl(sim.origin);
		const measure = async (run, size, row) => {
			const label = `${row}-${size}MiB-${run}`;
			await control.checksums(CHECKSUM_MODE[row] ?? 'compute', sources[size].checksum);
			await control.uploads(sendsToSimulator(row) ? 'discard' : 'keep');
			if (row === 'curl-up') {
				const up = await curlUpload(sim, sources[size].file, `curl-${size}MiB.bin`);
				await apiCall(sim, 'file/rm.cgi', { files: [{ url: up.url }] });
				return { ms: up.ms };
			}
			if (row === 'curl-down') return await curlDownload(sim, sources[size].url, path.join(dataDir, 'curl.bin'));
			const { runData, ...figures } = await measureN8n(n8n, baseEnv, sim.child.pid, label, { ...specs[size][row], sampleWorkers: samplesHashingWorker(row) });
			const uploaded = uploadedFile(row, runData);
			if (uploaded) {
				if (uploaded.size !== size * MiB) throw new Error(`${label}: uploaded ${uploaded.size} bytes`);
				await apiCall(sim, 'file/rm.cgi', { files: [{ url: uploaded.url }] });
			}
			if (row.startsWith('nodev-') && !nodeVerified(runData)) throw new Error(`${label}: the transfer was not verified`);
			const bytes = downloadedBytes(row, runData);
			if (bytes !== undefined && bytes !== size * MiB) throw new Error(`${label}: stored ${bytes} bytes`);
			fs.rmSync(path.join(dataDir, `written-${size}MiB.bin`), { force: true });
			return figures;
		};
		// Runs interleave the rows, so a slow minute on a shared machine hits every row alike.
		for (let run = 1; run <= RUNS; run++) {
			record({ run, size: 0, row: 'baseline', ...(await measureN8n(n8n, baseEnv, sim.child.pid, `baseline-${run}`, specs[SIZES[0]].baseline)), runData: undefined });
			for (const size of SIZES) for (const row of rows) record({ run, size, row, ...(await measure(run, size, row)) });
		}

		const { markdown, verdicts } = table(results);
		const verified = verifiedTable(results);
		const text = [
			`n8n ${n8n.version}, binary data in filesystem mode; ${RUNS} run(s) of each, one fresh n8n process per run.`,
			'Time: median (min–max) of the measured nodes\' executionTime in n8n\'s execution data; curl: the byte transfer alone.',
			'Memory: peak RSS of the n8n process while the measured nodes run, minus the same workflow without them.',
			'The node with options.verifyChecksum off. Uploads: the simulator receives and counts the bytes, neither hashes nor writes them.',
			'',
			markdown,
			'',
			'With options.verifyChecksum on (the default): hash alone = the Whirlpool of the stored binary in the',
			'package\'s hashing worker; the simulator takes the source\'s checksum computed beforehand.',
			'',
			verified.markdown,
			'',
			...[...verdicts, ...verified.verdicts].map((v) => `- ${v}`),
		].join('\n');
		console.log(`\n${text}`);
		fs.writeFileSync(path.join(artifacts, 'results.json'), JSON.stringify({ sizes: SIZES, runs: RUNS, results }, null, 2));
		fs.writeFileSync(path.join(artifacts, 'table.md'), `${text}\n`);
	} finally {
		await sim.stop();
		fs.rmSync(storeDir, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error.stack ?? error);
		process.exit(1);
	},
);
