#!/usr/bin/env node
// npm run bench:backup (also the second half of npm run bench): Folder → Back Up in a real n8n
// (n8n 2.41.1 on Node.js 24, as the e2e suite installs it) against the local simulator with
// 1fichier's observed limits (3 calls/s, one listing of a folder per 30 s, one listing every 3 s).
// Nights over generated trees, each one fresh `n8n execute --id` process:
//   1. first night (everything new)        2. unchanged night
//   3. a night with 1 % of files changed   4. a new weekly snapshot with copyUnchangedFrom
// Figures per night: the node's wall time (executionTime), API calls by endpoint, bytes read from
// disk (the node's own count, and the n8n process's read syscalls), bytes written to n8n's binary
// store, and the n8n process's peak RSS against a workflow that does nothing.
//
//   npm run bench:backup                                # 10,000 files in 100 folders, 200 large files
//   BENCH_FILES=200 BENCH_FOLDERS=4 BENCH_LARGE_FILES=4 BENCH_LARGE_MIB=70 npm run bench:backup   # a small check
//   BENCH_TREES=small npm run bench:backup              # one tree only (small, large)
//   BENCH_PARALLEL=2,3 …                                # first nights of the large tree with Parallel Uploads (default 2)
//   BENCH_OLD=1 …                                       # also the old path (Read/Write Files + File → Upload, ifExists update) on the small tree
//   SKIP_BUILD=1 …                                      # use the existing dist/ and build/
//
// Output: a markdown table and the targets' verdicts on stdout; bench/results/backup.md and
// bench/results/backup.json (kept in the repository; the documentation's block of
// bench/results/backup.md, in docs/benchmark.md, is rewritten from it by bench/includeResults.mjs);
// every row and the n8n folder in test-artifacts/bench-backup/.
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { buildPackage } from '../stack/build.mjs';
import { SIM_CREDENTIAL, importWorkflows, prepareN8n } from '../stack/instance.mjs';
import { freePort, repoRoot } from '../stack/n8n.mjs';
import { log } from '../stack/provision.mjs';
import { startSimulator } from '../stack/simulator.mjs';
import { includeResults } from './includeResults.mjs';

const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const FOLDERS = Number(process.env.BENCH_FOLDERS ?? 100);
/** Small files: sizes spread from 1 KiB to twice this. */
const FILE_KIB = Number(process.env.BENCH_FILE_KIB ?? 32);
const LARGE_FILES = Number(process.env.BENCH_LARGE_FILES ?? 200);
/** Large files: videos of tens of MiB, gathered by the node up to its byte bound per upload (backup/uploads.ts). */
const LARGE_MIB = Number(process.env.BENCH_LARGE_MIB ?? 70);
const CHANGED_PERCENT = Number(process.env.BENCH_CHANGED_PERCENT ?? 1);
const TREES = (process.env.BENCH_TREES ?? 'small,large').split(',');
const OLD_PATH = process.env.BENCH_OLD === '1';
/** Extra first nights of the large tree with this many uploads at once (Parallel Uploads), e.g. 2,3. */
const PARALLEL = (process.env.BENCH_PARALLEL ?? '2').split(',').map(Number).filter((n) => n > 1);
/** The node's default Listing Spacing, which the simulator also enforces (its --real-limits value). */
const LISTING_SPACING_MS = 3000;
/** Clock Skew Margin for the nights: host and simulator share one clock (see main). */
const CLOCK_SKEW_MINUTES = 0.05;
const SAMPLE_MS = 20;
const MiB = 1048576;
const FICHIER = 'n8n-nodes-1fichier.oneFichier';

const artifacts = path.join(repoRoot, 'test-artifacts', 'bench-backup');
const resultsDir = path.join(repoRoot, 'bench', 'results');
const userFolder = path.join(artifacts, 'n8n');
const dataDir = path.join(artifacts, 'data');
const storeDir = path.join(artifacts, 'store');

// ---- trees ------------------------------------------------------------------------------------------

/** Deterministic bytes of one file (its index and version in every KiB), `size` long. */
function fileBytes(index, version, size) {
	const bytes = Buffer.alloc(size);
	const seed = crypto.createHash('sha256').update(`${index}:${version}`).digest();
	for (let offset = 0; offset < size; offset += seed.length) seed.copy(bytes, offset);
	return bytes;
}

/** The small tree: FILES files spread over FOLDERS folders (two levels: group/folder). */
function smallTreeFiles() {
	const files = [];
	for (let index = 0; index < FILES; index++) {
		const folder = index % FOLDERS;
		const size = 1024 + ((index * 7919) % (2 * FILE_KIB * 1024 - 1024));
		files.push({ relative: `g${String(folder % 10).padStart(2, '0')}/f${String(folder).padStart(3, '0')}/file-${String(index).padStart(5, '0')}.dat`, index, size });
	}
	return files;
}

function writeSmallTree(root) {
	const files = smallTreeFiles();
	const marker = path.join(root, '.complete');
	if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === `${FILES}/${FOLDERS}/${FILE_KIB}`) return files;
	fs.rmSync(root, { recursive: true, force: true });
	for (const file of files) {
		const target = path.join(root, file.relative);
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.writeFileSync(target, fileBytes(file.index, 0, file.size));
	}
	fs.writeFileSync(marker, `${FILES}/${FOLDERS}/${FILE_KIB}`);
	return files;
}

async function writeLargeTree(root) {
	const marker = path.join(root, '.complete');
	const files = Array.from({ length: LARGE_FILES }, (_, index) => ({ relative: `videos/v${String(index).padStart(3, '0')}.bin`, index, size: LARGE_MIB * MiB }));
	if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === `${LARGE_FILES}/${LARGE_MIB}`) return files;
	fs.rmSync(root, { recursive: true, force: true });
	fs.mkdirSync(path.join(root, 'videos'), { recursive: true });
	const block = fileBytes(0, 0, MiB);
	for (const file of files) {
		const out = fs.createWriteStream(path.join(root, file.relative));
		for (let mib = 0; mib < LARGE_MIB; mib++) {
			block.writeUInt32LE(file.index, 0);
			block.writeUInt32LE(mib, 4);
			if (!out.write(Buffer.from(block))) await once(out, 'drain');
		}
		out.end();
		await once(out, 'finish');
	}
	fs.writeFileSync(marker, `${LARGE_FILES}/${LARGE_MIB}`);
	return files;
}

/** Rewrites `percent` % of the files with new bytes of the same size (same-size edits). */
function changeFiles(root, files, percent, version) {
	const every = Math.max(1, Math.round(100 / percent));
	let changed = 0;
	for (let i = 0; i < files.length; i += every) {
		fs.writeFileSync(path.join(root, files[i].relative), fileBytes(files[i].index, version, files[i].size));
		changed++;
	}
	return changed;
}

// ---- workflows --------------------------------------------------------------------------------------

function workflow(id, name, steps) {
	const nodes = [{ id: crypto.randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }];
	const connections = {};
	let previous = 'Start';
	steps.forEach((step, index) => {
		nodes.push({ id: crypto.randomUUID(), position: [220 * (index + 1), 0], ...step });
		connections[previous] = { main: [[{ node: step.name, type: 'main', index: 0 }]] };
		previous = step.name;
	});
	return { id, name, nodes, connections, active: false, settings: { executionOrder: 'v1' }, pinData: {} };
}

const credentials = { oneFichierApi: { id: SIM_CREDENTIAL.id, name: SIM_CREDENTIAL.name } };

function backUpWorkflow(id, sourceDirectory, folderPath, options = {}) {
	return workflow(id, `bench backup ${id}`, [
		{
			name: 'Back Up',
			type: FICHIER,
			typeVersion: 1,
			parameters: {
				resource: 'folder',
				operation: 'backUp',
				sourceDirectory,
				folder: { __rl: true, mode: 'path', value: folderPath },
				mode: 'copy',
				options,
			},
			credentials,
		},
	]);
}

/** The old path (examples/nightly-nas-backup.json before Folder → Back Up): Read/Write Files, then File → Upload with ifExists update. */
function oldPathWorkflow(id, sourceDirectory, folderPath) {
	return workflow(id, `bench old path ${id}`, [
		{ name: 'Read', type: 'n8n-nodes-base.readWriteFile', typeVersion: 1, parameters: { operation: 'read', fileSelector: `${sourceDirectory}/**/*`, options: { dataPropertyName: 'data' } } },
		{
			name: 'Upload',
			type: FICHIER,
			typeVersion: 1,
			parameters: {
				resource: 'file',
				operation: 'upload',
				binaryPropertyName: 'data',
				folder: { __rl: true, mode: 'path', value: folderPath },
				options: { ifExists: 'update', baseDirectory: sourceDirectory },
			},
			credentials,
		},
	]);
}

// ---- measuring ----------------------------------------------------------------------------------------

/** RSS (MiB) and bytes read by read syscalls so far (rchar), or undefined once the process is gone. */
function processFigures(pid) {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
		return { rssMiB: Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024, readBytes: Number(/rchar:\s+(\d+)/.exec(io)[1]) };
	} catch {
		return undefined;
	}
}

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

function directoryBytes(dir) {
	if (!fs.existsSync(dir)) return 0;
	let total = 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
		if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size;
	}
	return total;
}

/** One fresh `n8n execute` of a workflow: the timed node's figures, the process's peak RSS and reads. */
async function measure(n8n, env, workflowId, timedNode) {
	fs.rmSync(storeDir, { recursive: true, force: true });
	execFileSync('sync');
	const child = spawn(n8n.nodeBin, [n8n.n8nMain, 'execute', `--id=${workflowId}`, '--rawOutput'], {
		env: { ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort(0)) },
		cwd: userFolder,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const samples = [];
	const timer = setInterval(() => {
		const figures = processFigures(child.pid);
		if (figures) samples.push({ t: Date.now(), ...figures });
	}, SAMPLE_MS);
	let stdout = '';
	child.stdout.on('data', (d) => (stdout += d));
	child.stderr.on('data', (d) => (stdout += d));
	await once(child, 'close');
	clearInterval(timer);
	const execution = executionFromOutput(stdout);
	const runData = execution?.data?.resultData?.runData;
	if (!runData) throw new Error(`${workflowId}: no execution data\n${stdout.split('\n').slice(-20).join('\n')}`);
	const storeBytes = directoryBytes(storeDir);
	const peakMiB = Math.max(...samples.map((s) => s.rssMiB));
	if (!timedNode) return { peakMiB, storeBytes };
	const run = runData[timedNode][0];
	if (run.error) throw new Error(`${workflowId}: ${run.error.message} ${run.error.description ?? ''}`);
	const inside = samples.filter((s) => s.t >= run.startTime - SAMPLE_MS && s.t <= run.startTime + run.executionTime + SAMPLE_MS);
	const before = samples.filter((s) => s.t <= run.startTime).at(-1) ?? inside[0];
	const after = inside.at(-1) ?? samples.at(-1);
	return {
		ms: run.executionTime,
		peakMiB: Math.max(...(inside.length ? inside : samples).map((s) => s.rssMiB)),
		processReadBytes: after.readBytes - before.readBytes,
		storeBytes,
		output: run.data?.main?.[0]?.map((item) => item.json) ?? [],
	};
}

async function simulatorState(sim) {
	return await (await fetch(`${sim.origin}/__simulator/state`)).json();
}

async function simulatorPost(sim, what, body) {
	const response = await fetch(`${sim.origin}/__simulator/${what}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	if (!response.ok) throw new Error(`simulator ${what}: HTTP ${response.status} ${await response.text()}`);
	return await response.json();
}

// ---- report -------------------------------------------------------------------------------------------

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;
const calls = (byEndpoint) =>
	Object.entries(byEndpoint ?? {})
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([endpoint, count]) => `${endpoint.replace('.cgi', '')} ${count}`)
		.join(', ');
const listingsOf = (byEndpoint) => (byEndpoint?.['folder/ls.cgi'] ?? 0) + (byEndpoint?.['file/ls.cgi'] ?? 0);

function row(tree, night, result, baselinePeak) {
	const summary = result.output?.[0] ?? {};
	const files = summary.files ?? {};
	const byEndpoint = summary.apiCallsByEndpoint ?? result.apiCallsByEndpoint;
	return {
		tree,
		night,
		ms: result.ms,
		files,
		byEndpoint,
		readByNode: summary.bytes?.readFromDisk,
		processReadBytes: result.processReadBytes,
		storeBytes: result.storeBytes,
		growthMiB: result.peakMiB - baselinePeak,
		uploadedBytes: result.uploadedBytes,
		listings: listingsOf(byEndpoint),
	};
}

function table(rows) {
	const lines = [
		'| tree | night | wall time | files sent / copied / unchanged | API calls by endpoint | read by the node | read by n8n (syscalls) | written to n8n\'s store | uploaded | peak RSS growth |',
		'|---|---|---|---|---|---|---|---|---|---|',
	];
	for (const r of rows) {
		const counts = r.files.sent === undefined ? '–' : `${r.files.sent} / ${r.files.copied} / ${r.files.unchanged}`;
		lines.push(
			`| ${r.tree} | ${r.night} | ${seconds(r.ms)} | ${counts} | ${calls(r.byEndpoint)} | ${r.readByNode === undefined ? '–' : mib(r.readByNode)} | ` +
				`${mib(r.processReadBytes)} | ${mib(r.storeBytes)} | ${mib(r.uploadedBytes)} | ${r.growthMiB >= 0 ? '+' : '−'}${Math.abs(Math.round(r.growthMiB))} MiB |`,
		);
	}
	return lines.join('\n');
}

function verdicts(rows, folders) {
	const out = [];
	const check = (ok, text) => out.push(`${ok ? 'met' : 'NOT met'}: ${text}`);
	for (const r of rows.filter((x) => !x.night.startsWith('old'))) {
		check(r.growthMiB <= 64, `${r.tree}, ${r.night}: memory growth ${Math.round(r.growthMiB)} MiB ≤ +64 MiB`);
		check(r.storeBytes === 0, `${r.tree}, ${r.night}: ${r.storeBytes} bytes written to n8n's binary store (0 expected)`);
	}
	const unchanged = rows.find((r) => r.tree === 'small' && r.night === 'unchanged');
	if (unchanged) {
		const floor = unchanged.listings * LISTING_SPACING_MS;
		check(unchanged.readByNode === 0, `small, unchanged: ${unchanged.readByNode} file bytes read (0 expected)`);
		check(unchanged.listings <= folders.small + 3, `small, unchanged: ${unchanged.listings} listings for ${folders.small} folders (+ the destination's path)`);
		check(unchanged.ms <= 1.1 * floor, `small, unchanged: ${seconds(unchanged.ms)} ≤ 1.10 × the listing floor (${unchanged.listings} × 3 s = ${seconds(floor)})`);
	}
	for (const tree of ['small', 'large']) {
		const first = rows.find((r) => r.tree === tree && r.night === 'first');
		if (!first) continue;
		const sessions = first.byEndpoint?.['upload/get_upload_server.cgi'] ?? 0;
		const bound = folders[tree] + (tree === 'large' ? LARGE_FILES : 0);
		check(sessions <= bound, `${tree}, first: ${sessions} upload sessions ≤ folders + large files (${bound})`);
	}
	const snapshot = rows.find((r) => r.tree === 'small' && r.night === 'snapshot');
	if (snapshot) {
		check(snapshot.uploadedBytes === 0, `small, snapshot: ${snapshot.uploadedBytes} bytes uploaded (0 expected)`);
		const copies = snapshot.byEndpoint?.['file/cp.cgi'] ?? 0;
		check(copies <= folders.small, `small, snapshot: ${copies} file/cp calls ≤ ${folders.small} folders`);
	}
	const large = rows.find((r) => r.tree === 'large' && r.night === 'first');
	if (large) {
		const rate = (LARGE_FILES * LARGE_MIB) / (large.ms / 1000);
		const reference = transferBenchRate();
		out.push(
			reference
				? `${rate >= 0.9 * reference ? 'met' : 'NOT met'}: large, first: ${rate.toFixed(1)} MiB/s ≥ 0.9 × the single-file upload rate of npm run bench (${reference.toFixed(1)} MiB/s)`
				: `large, first: ${rate.toFixed(1)} MiB/s (run npm run bench's transfer rows for the single-file reference)`,
		);
	}
	for (const r of rows.filter((x) => x.tree === 'large' && x.night.startsWith('first, '))) {
		out.push(`large, ${r.night}: ${((LARGE_FILES * LARGE_MIB) / (r.ms / 1000)).toFixed(1)} MiB/s`);
	}
	return out;
}

/** The single-file upload rate of the transfer benchmark (node-up, unverified, its largest size), when it ran. */
function transferBenchRate() {
	try {
		const { results } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test-artifacts', 'bench', 'results.json'), 'utf8'));
		const rows = results.filter((r) => r.row === 'node-up');
		const size = Math.max(...rows.map((r) => r.size));
		const times = rows.filter((r) => r.size === size).map((r) => r.ms).sort((a, b) => a - b);
		return size / (times[times.length >> 1] / 1000);
	} catch {
		return undefined;
	}
}

// ---- nights ---------------------------------------------------------------------------------------------

async function main() {
	fs.mkdirSync(dataDir, { recursive: true });
	const loadBefore = os.loadavg().map((l) => l.toFixed(1)).join(' ');
	if (process.env.SKIP_BUILD !== '1') await buildPackage();
	const sim = await startSimulator({ port: await freePort(0), seed: 'empty', logFile: path.join(artifacts, 'simulator.log') });
	try {
		// 1fichier's observed general listing limit, on top of the documented ones the CLI always enforces.
		await simulatorPost(sim, 'limits', { listingsEveryMs: LISTING_SPACING_MS });
		// 1fichier stores uploads on its own disks: the simulator counts and hashes them without writing them.
		await simulatorPost(sim, 'uploads', { mode: 'discard' });
		const { n8n, env } = await prepareN8n({
			userFolder,
			port: await freePort(0),
			brokerPort: await freePort(0),
			credential: SIM_CREDENTIAL,
			apiKey: sim.apiKey,
			credBaseUrl: sim.baseUrl,
			importExamples: false,
		});
		const baseEnv = {
			...env,
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			N8N_BINARY_DATA_STORAGE_PATH: storeDir,
			N8N_RESTRICT_FILE_ACCESS_TO: dataDir,
			N8N_LOG_FORMAT: 'json',
			N8N_LOG_LEVEL: 'info',
		};
		const trees = {};
		if (TREES.includes('small')) {
			log(`bench: small tree, ${FILES} files in ${FOLDERS} folders…`);
			trees.small = { root: path.join(dataDir, 'small'), folders: FOLDERS + Math.min(10, FOLDERS) + 1 };
			trees.small.files = writeSmallTree(trees.small.root);
		}
		if (TREES.includes('large')) {
			log(`bench: large tree, ${LARGE_FILES} files of ${LARGE_MIB} MiB…`);
			trees.large = { root: path.join(dataDir, 'large'), folders: 2 };
			trees.large.files = await writeLargeTree(trees.large.root);
		}
		const run = crypto.randomBytes(3).toString('hex');
		const workflows = [workflow(`bBase${run}`, 'bench baseline', [])];
		for (const [name, tree] of Object.entries(trees)) {
			// The host and the simulator share one clock: a margin of 3 s covers 1fichier's whole-second
			// dates. The large tree compares with the transfer benchmark's unverified single-file upload.
			const options = { clockSkewMinutes: CLOCK_SKEW_MINUTES, ...(name === 'large' ? { verifyChecksum: false } : {}) };
			const copy1 = `bench-${run}/${name}/copy-1`;
			tree.workflows = {
				night: backUpWorkflow(`bNight${name}${run}`, tree.root, copy1, options),
				snapshot: backUpWorkflow(`bSnap${name}${run}`, tree.root, `bench-${run}/${name}/copy-2`, { ...options, copyUnchangedFrom: copy1 }),
				old: oldPathWorkflow(`bOld${name}${run}`, tree.root, `bench-${run}/${name}/old`),
			};
			tree.workflows.parallel = PARALLEL.map((n) =>
				backUpWorkflow(`bPar${n}${name}${run}`, tree.root, `bench-${run}/${name}/parallel-${n}`, { ...options, parallelUploads: n }),
			);
			workflows.push(tree.workflows.night, tree.workflows.snapshot);
			if (name === 'large') workflows.push(...tree.workflows.parallel);
			if (OLD_PATH && name === 'small') workflows.push(tree.workflows.old);
		}
		await importWorkflows(n8n, baseEnv, workflows);

		const baseline = await measure(n8n, baseEnv, `bBase${run}`);
		log(`bench: baseline peak RSS ${baseline.peakMiB.toFixed(0)} MiB`);
		const rows = [];
		const night = async (treeName, nightName, workflowId, timedNode, checksums) => {
			await simulatorPost(sim, 'checksums', { mode: checksums });
			const before = (await simulatorState(sim)).stats;
			const result = await measure(n8n, baseEnv, workflowId, timedNode);
			const after = (await simulatorState(sim)).stats;
			result.uploadedBytes = after.uploadedBytes - before.uploadedBytes;
			result.apiCallsByEndpoint = Object.fromEntries(
				Object.entries(after.byEndpoint).map(([endpoint, count]) => [endpoint, count - (before.byEndpoint[endpoint] ?? 0)]).filter(([, count]) => count > 0),
			);
			const entry = row(treeName, nightName, result, baseline.peakMiB);
			rows.push(entry);
			log(`  ${treeName} ${nightName.padEnd(10)} ${seconds(entry.ms).padStart(9)}  ${calls(entry.byEndpoint)}`);
		};
		for (const [name, tree] of Object.entries(trees)) {
			// Older than the margin before their first night, as a NAS's files are.
			await new Promise((resolve) => setTimeout(resolve, 2 * CLOCK_SKEW_MINUTES * 60_000));
			const checksums = name === 'large' ? 'none' : 'compute';
			await night(name, 'first', tree.workflows.night.id, 'Back Up', checksums);
			await night(name, 'unchanged', tree.workflows.night.id, 'Back Up', checksums);
			const changed = changeFiles(tree.root, tree.files, CHANGED_PERCENT, 1);
			log(`  (${changed} files changed)`);
			await night(name, `${CHANGED_PERCENT} % changed`, tree.workflows.night.id, 'Back Up', checksums);
			await night(name, 'snapshot', tree.workflows.snapshot.id, 'Back Up', checksums);
			if (OLD_PATH && name === 'small') {
				await night(name, 'old: first', tree.workflows.old.id, 'Upload', checksums);
				await night(name, 'old: unchanged', tree.workflows.old.id, 'Upload', checksums);
				changeFiles(tree.root, tree.files, CHANGED_PERCENT, 2);
				await night(name, `old: ${CHANGED_PERCENT} % changed`, tree.workflows.old.id, 'Upload', checksums);
			}
			changeFiles(tree.root, tree.files, CHANGED_PERCENT, 0); // back to the tree as generated
			if (name === 'large') {
				await new Promise((resolve) => setTimeout(resolve, 2 * CLOCK_SKEW_MINUTES * 60_000));
				for (const [index, n] of PARALLEL.entries()) await night(name, `first, ${n} parallel`, tree.workflows.parallel[index].id, 'Back Up', checksums);
			}
		}

		const folders = { small: trees.small?.folders, large: trees.large?.folders };
		const loadAfter = os.loadavg().map((l) => l.toFixed(1)).join(' ');
		const nodeVersion = execFileSync(n8n.nodeBin, ['--version']).toString().trim();
		const stamp = new Date().toISOString();
		const verdictLines = verdicts(rows, folders);
		const text = [
			`n8n ${n8n.version} on Node.js ${nodeVersion}, ${os.cpus().length} CPU cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${loadBefore} before and ${loadAfter} after;`,
			`the simulator with 1fichier's limits (3 calls/s, a folder listed once per 30 s, one listing every 3 s);`,
			`small tree: ${FILES} files (1 KiB–${2 * FILE_KIB} KiB) in ${FOLDERS} folders (${folders.small ?? 0} with their parents); large tree: ${LARGE_FILES} files of ${LARGE_MIB} MiB.`,
			'Wall time: the node\'s executionTime (n8n\'s own start, 4–6 s per process, comes on top). Read by n8n: the process\'s read syscalls during the node (rchar).',
			'Peak RSS growth: the n8n process during the node, minus a workflow that does nothing. Large tree: Verify Checksum off, as the transfer benchmark\'s node-up row.',
			'',
			table(rows),
			'',
			...verdictLines.map((line) => `- ${line}`),
		].join('\n');
		console.log(`\n${text}`);
		const settings = { files: FILES, folders: FOLDERS, fileKiB: FILE_KIB, largeFiles: LARGE_FILES, largeMiB: LARGE_MIB, changedPercent: CHANGED_PERCENT, trees: TREES, parallelUploads: PARALLEL, oldPath: OLD_PATH };
		fs.writeFileSync(path.join(artifacts, 'results.json'), JSON.stringify({ ...settings, rows }, null, 2));
		fs.writeFileSync(path.join(artifacts, 'table.md'), `${text}\n`);
		fs.mkdirSync(resultsDir, { recursive: true });
		fs.writeFileSync(path.join(resultsDir, 'backup.md'), `Last run: ${stamp} (\`npm run bench:backup\`, bench/backup.mjs).\n${text}\n`);
		const results = {
			format: 1,
			generatedAt: stamp,
			n8n: n8n.version,
			node: nodeVersion,
			cpus: os.cpus().length,
			loadAverage: { before: loadBefore, after: loadAfter },
			settings,
			nights: rows.map(({ tree, night, ms, files, byEndpoint, readByNode, processReadBytes, storeBytes, growthMiB, uploadedBytes, listings }) => ({
				tree,
				night,
				ms,
				files,
				apiCallsByEndpoint: byEndpoint,
				readByNodeBytes: readByNode ?? null,
				processReadBytes,
				storeBytes,
				peakRssGrowthMiB: Math.round(growthMiB),
				uploadedBytes,
				listings,
			})),
			targets: verdictLines,
		};
		fs.writeFileSync(path.join(resultsDir, 'backup.json'), `${JSON.stringify(results, null, 2)}\n`);
		log(`bench: written to ${path.relative(repoRoot, resultsDir)}/backup.{md,json} and ${path.relative(repoRoot, artifacts)}/`);
		for (const doc of includeResults()) log(`bench: ${doc} shows the new results`);
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
