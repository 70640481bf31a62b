#!/usr/bin/env node
// npm run test:e2e: the packed package in a fresh, isolated real n8n (pinned version, Node.js 24)
// against a fresh simulator. Every operation of NODE-INTERFACE.md and every example workflow runs
// as a real n8n workflow; checks look at n8n's output and at the simulator's state.
//
// Options: E2E_ONLY=<substring> runs the matching cases only (and skips the trigger checks);
// SKIP_BUILD=1 uses the existing dist/ and build/.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { buildPackage } from '../../stack/build.mjs';
import { SIM_CREDENTIAL, bindCredential, ensureOwner, importWorkflows, loadExamples, prepareN8n, signIn } from '../../stack/instance.mjs';
import { activate, callWebhook, describeFailure, lastExecution, triggerMessages, waitForExecution } from '../../stack/n8nApi.mjs';
import { FICHIER, FICHIER_TRIGGER, freePort, repoRoot, startN8n, stopProcess } from '../../stack/n8n.mjs';
import { log } from '../../stack/provision.mjs';
import { simulatorControl, startSimulator } from '../../stack/simulator.mjs';
import { cases } from './cases.mjs';
import { rssSampler } from './files.mjs';
import { createReport } from './report.mjs';
import { exampleAsWebhook, testWorkflow } from './workflow.mjs';

const secs = (t) => `${((Date.now() - t) / 1000).toFixed(1)} s`;
const artifacts = path.join(repoRoot, 'test-artifacts', 'e2e');
const userFolder = path.join(artifacts, 'n8n');
const fixtures = path.join(repoRoot, 'test', 'e2e', 'fixtures');
const only = process.env.E2E_ONLY;
const TRIGGER_EXAMPLE = 'file-landed-notification.json';

const { record, finish } = createReport('e2e');

/** Serves test/e2e/fixtures/remote over loopback for remote uploads (404 for anything else). */
function startFixtureServer(port) {
	const server = http.createServer((req, res) => {
		const name = path.basename(decodeURIComponent(new URL(req.url, 'http://x').pathname));
		const file = path.join(fixtures, 'remote', name);
		if (!fs.existsSync(file)) {
			res.writeHead(404).end('not found');
			return;
		}
		res.writeHead(200, { 'content-type': 'text/plain' }).end(fs.readFileSync(file));
	});
	return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** Helpers the cases use to set up and inspect the simulator. */
/** Every file below `dir`, as sorted slash-separated paths relative to it. */
function localTree(dir) {
	return fs
		.readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join('/'))
		.sort();
}

function makeContext(sim, fixturePort, nasDir, restoreDir, filesDir) {
	const ctl = simulatorControl(sim.origin);
	const state = () => ctl.state();
	const list = (v) => (Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : []);
	const folders = async () => list((await state()).folders);
	const files = async () => list((await state()).files);
	const childNamed = (all, parentId, name) => all.find((f) => f.parentId === parentId && f.name === name);
	const ctx = {
		sim: ctl,
		nasDir,
		restoreDir,
		localTree,
		/** A folder n8n's Read/Write Files from Disk node may use, for big files made by the cases. */
		filesDir,
		/** Peak RSS growth of the n8n process (its pid is set once n8n runs). */
		n8nMemory: rssSampler(() => ctx.n8nPid),
		folderById: async (id) => (await folders()).find((f) => f.id === id),
		foldersNamed: async (name) => (await folders()).filter((f) => f.name === name),
		subFolders: async (id) => (await folders()).filter((f) => f.parentId === id),
		folderByPath: async (p) => {
			const all = await folders();
			let current = { id: 0 };
			for (const part of p.split('/').filter(Boolean)) {
				current = childNamed(all, current.id, part);
				if (!current) return undefined;
			}
			return current;
		},
		/** mkdir -p through the control API; returns the folder. */
		folder: async (p) => {
			let parentId = 0;
			let current;
			for (const part of p.split('/').filter(Boolean)) {
				current = childNamed(await folders(), parentId, part) ?? (await ctl.addFolder(parentId, part));
				parentId = current.id;
			}
			return current;
		},
		filesIn: async (folderId) =>
			(await files()).filter((f) => f.folderId === folderId).sort((a, b) => a.filename.localeCompare(b.filename)),
		fileByUrl: async (url) => (await files()).find((f) => f.url === url),
		/** Every file below a folder: `{ path: 'a/b/name', file }`, sorted by path. */
		treeOf: async (folderId) => {
			const allFolders = await folders();
			const allFiles = await files();
			const out = [];
			const walk = (id, prefix) => {
				for (const f of allFiles.filter((x) => x.folderId === id)) out.push({ path: `${prefix}${f.filename}`, file: f });
				for (const sub of allFolders.filter((x) => x.parentId === id)) walk(sub.id, `${prefix}${sub.name}/`);
			};
			walk(folderId, '');
			return out.sort((a, b) => a.path.localeCompare(b.path));
		},
		/** Byte transfers the simulator has seen (upload.cgi, end.pl, download). */
		transfers: async () => (await state()).stats?.transfers ?? {},
		/** A file's bytes, through the simulator's own API (token, then download). */
		fileContent: async (file) => {
			const res = await fetch(`${sim.baseUrl}/download/get_token.cgi`, {
				method: 'POST',
				headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
				body: JSON.stringify({ url: file.url }),
			});
			const token = await res.json();
			const local = ctx.localUrl(token.url);
			return Buffer.from(await (await fetch(local)).arrayBuffer());
		},
		/** Download links of the simulator point at loopback; anything else is not fetched. */
		localUrl: (u) => {
			try {
				const url = new URL(u);
				if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return u;
				// The simulator may answer with https://a-N.1fichier.com/<token>-style links; map them to itself.
				return null;
			} catch {
				return null;
			}
		},
		fixtureUrl: (name) => `http://127.0.0.1:${fixturePort}/${name}`,
		fixtureContent: (name) => fs.readFileSync(path.join(fixtures, 'remote', name), 'utf8'),
	};
	return ctx;
}

async function main() {
	fs.rmSync(artifacts, { recursive: true, force: true });
	fs.mkdirSync(artifacts, { recursive: true });

	let t = Date.now();
	await buildPackage();

	const simPort = await freePort(0);
	const sim = await startSimulator({ port: simPort, seed: 'demo', timeScale: 0.02, logFile: path.join(artifacts, 'simulator.log') });
	const fixturePort = await freePort(0);
	const fixtureServer = await startFixtureServer(fixturePort);
	// The backup cases change files of the NAS tree and restore into it: they work on a copy.
	const nasDir = path.join(artifacts, 'nas');
	fs.cpSync(path.join(fixtures, 'nas'), nasDir, { recursive: true });
	const restoreDir = path.join(artifacts, 'restore');
	fs.mkdirSync(restoreDir, { recursive: true });
	const filesDir = path.join(artifacts, 'files');
	fs.mkdirSync(filesDir, { recursive: true });
	const ctx = makeContext(sim, fixturePort, nasDir, restoreDir, filesDir);
	log(`simulator ${sim.baseUrl} (time scale 0.02)`);

	// Workflows: one per case, the examples as shipped, and the examples run through a webhook.
	const examples = Object.fromEntries(loadExamples().map((e) => [e.file, bindCredential(e.workflow, SIM_CREDENTIAL)]));
	ctx.example = (file) => examples[file];
	const selected = cases.filter((c) => !only || c.name.includes(only));
	const planned = selected.map((c, i) => {
		const n = String(i + 1).padStart(2, '0');
		let wf;
		let webhookPath;
		if (c.example && !c.asWebhook) {
			wf = structuredClone(examples[c.example]);
			webhookPath = wf.nodes.find((x) => x.type === 'n8n-nodes-base.webhook').parameters.path;
		} else if (c.example) {
			webhookPath = `e2e-example-${n}`;
			wf = exampleAsWebhook(examples[c.example], { id: `e2eExample${n}`, path: webhookPath, responseData: c.responseData });
		} else {
			webhookPath = `e2e-${n}`;
			wf = testWorkflow({
				id: `e2eCase${n}`,
				name: `e2e ${n}: ${c.name}`,
				path: webhookPath,
				steps: c.steps,
				credential: SIM_CREDENTIAL,
				responseData: c.responseData,
			});
		}
		if (c.patch) wf = c.patch(wf, ctx);
		return { c, wf, webhookPath };
	});
	const shipped = Object.values(examples).filter((wf) => !planned.some((p) => p.wf.id === wf.id));
	const remoteTriggerWf = remoteUploadTriggerWorkflow(examples[TRIGGER_EXAMPLE]);
	if (remoteTriggerWf) shipped.push(remoteTriggerWf);

	const n8nPort = await freePort(0);
	const brokerPort = await freePort(0);
	const { n8n, env } = await prepareN8n({
		userFolder,
		port: n8nPort,
		brokerPort,
		credential: SIM_CREDENTIAL,
		apiKey: sim.apiKey,
		credBaseUrl: sim.baseUrl,
		extraEnv: { N8N_RESTRICT_FILE_ACCESS_TO: `${nasDir};${restoreDir};${filesDir}`, EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all' },
		importExamples: false,
	});
	await importWorkflows(n8n, env, [...planned.map((p) => p.wf), ...shipped]);
	log(`n8n prepared (package installed, ${planned.length + shipped.length} workflows imported) in ${secs(t)}`);

	t = Date.now();
	const child = await startN8n(n8n, env, { logFile: path.join(artifacts, 'n8n.log') });
	ctx.n8nPid = child.pid;
	const base = `http://127.0.0.1:${n8nPort}`;
	log(`n8n ${n8n.version} ready in ${secs(t)} on ${base}`);
	try {
		const owner = await ensureOwner(base, userFolder);
		const { api } = await signIn(base, owner);

		// The package's node types are loaded under their community-package names.
		const tc = Date.now();
		const types = await api('GET', '/types/nodes.json');
		const names = new Set(types.map((x) => x.name));
		const missing = [FICHIER, FICHIER_TRIGGER].filter((x) => !names.has(x));
		record('node types are loaded (oneFichier, oneFichierTrigger)', missing.length === 0, Date.now() - tc, missing.length ? `missing: ${missing.join(', ')}` : '');

		// The credential's Test button as the editor calls it: n8n must find the function the nodes
		// name in `testedBy`, and a free account's key must be told so, not told to wait.
		const tt = Date.now();
		try {
			const testCredential = (apiKey) =>
				api('POST', '/rest/credentials/test', {
					credentials: { ...SIM_CREDENTIAL, type: 'oneFichierApi', data: { apiKey, baseUrl: sim.baseUrl } },
				});
			const good = await testCredential(` Bearer ${sim.apiKey} `);
			if (good?.status !== 'OK') throw new Error(`a good key (pasted with "Bearer "): ${JSON.stringify(good)}`);
			await ctx.sim.faults({ kind: 'refusal', status: 403, message: 'Must be a customer (Premium, Access) #200', match: 'folder/ls.cgi' });
			const free = await testCredential(sim.apiKey);
			if (free?.status !== 'Error' || !/free account/.test(free.message) || /wait a few minutes/i.test(free.message)) {
				throw new Error(`a free account's key: ${JSON.stringify(free)}`);
			}
			record('credential Test button: good key OK, a free account\'s key named', true, Date.now() - tt);
		} catch (e) {
			record('credential Test button: good key OK, a free account\'s key named', false, Date.now() - tt, e.message);
		}

		// The trigger example: activate it, then drop a file into "incoming" and expect one execution.
		const triggerWf = examples[TRIGGER_EXAMPLE];
		let landedFile;
		const triggerStart = Date.now();
		if (triggerWf && !only && names.has(FICHIER_TRIGGER)) {
			const incoming = (await ctx.folderByPath('incoming')) ?? (await ctx.folder('incoming'));
			// The first poll (at activation) must be over before the new file lands, or it counts as old.
			const listings = async () => {
				const by = (await ctx.sim.state()).stats?.byEndpoint ?? {};
				return (by['file/ls.cgi'] ?? 0) + (by['folder/ls.cgi'] ?? 0);
			};
			const before = await listings();
			await activate(api, triggerWf.id);
			const waitStart = Date.now();
			while ((await listings()) === before && Date.now() - waitStart < 70_000) await new Promise((r) => setTimeout(r, 250));
			await new Promise((r) => setTimeout(r, 1000));
			landedFile = await ctx.sim.addFile(incoming.id, 'e2e-landed.txt', 'landed');
		}

		// The remote-upload trigger: activate it, let its first poll pass, then request a remote upload.
		let remoteRequestId;
		if (remoteTriggerWf && !only && names.has(FICHIER_TRIGGER)) {
			const remoteListings = async () => (await ctx.sim.state()).stats?.byEndpoint?.['remote/ls.cgi'] ?? 0;
			const before = await remoteListings();
			await activate(api, remoteTriggerWf.id);
			const waitStart = Date.now();
			while ((await remoteListings()) === before && Date.now() - waitStart < 70_000) await new Promise((r) => setTimeout(r, 250));
			await new Promise((r) => setTimeout(r, 1000));
			const answer = await fetch(`${sim.baseUrl}/remote/request.cgi`, {
				method: 'POST',
				headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
				body: JSON.stringify({ urls: [ctx.fixtureUrl('remote-a.txt'), ctx.fixtureUrl('missing.txt')], folder_id: 0 }),
			}).then((r) => r.json());
			remoteRequestId = Number(answer.id);
		}

		for (const p of planned) await activate(api, p.wf.id);

		for (const { c, wf, webhookPath } of planned) {
			const tc0 = Date.now();
			try {
				const setupResult = c.setup ? await c.setup(ctx) : {};
				const res = await callWebhook(`${base}/webhook/${webhookPath}`, setupResult ?? {});
				const text = await res.text();
				if (!res.ok) {
					const exec = await lastExecution(api, n8n.dir, wf.id).catch(() => undefined);
					throw new Error(`webhook answered HTTP ${res.status}: ${text.slice(0, 300)}\n${describeFailure(exec)}`);
				}
				let output = text;
				if (c.responseData !== 'firstEntryBinary') {
					output = JSON.parse(text);
					if (!Array.isArray(output)) output = [output];
				}
				try {
					await c.check(output, ctx, setupResult);
				} catch (e) {
					e.message += `\n      output: ${JSON.stringify(output).slice(0, 600)}`;
					throw e;
				}
				record(c.name, true, Date.now() - tc0);
			} catch (e) {
				record(c.name, false, Date.now() - tc0, e.cause ? `${e.message}: ${e.cause.message ?? e.cause}` : e.message);
			}
		}

		if (landedFile) {
			// Polls every minute after the first (activation) poll, which must not emit old files.
			// Other cases add files to "incoming" too (the CSV example): those may show up as well.
			const tc1 = Date.now();
			let messages = [];
			let failedRuns = [];
			// Looked at least once: when the cases took longer than the wait, the polls have happened.
			const waitUntil = triggerStart + 150_000;
			for (;;) {
				({ messages, failedRuns } = await triggerMessages(api, n8n.dir, triggerWf.id));
				if (messages.some((m) => m.includes('e2e-landed.txt')) || Date.now() > waitUntil) break;
				await new Promise((r) => setTimeout(r, 2000));
			}
			const landed = messages.filter((m) => m.includes('e2e-landed.txt'));
			const old = messages.filter((m) => /notes\.txt|report\.csv/.test(m));
			const ok = landed.length === 1 && landed[0].includes(landedFile.url) && old.length === 0 && failedRuns.length === 0;
			record(
				'example: file-landed trigger (activated: emits the new file once, nothing old)',
				ok,
				Date.now() - tc1,
				`messages: ${JSON.stringify(messages)}\n${failedRuns.join('\n')}`,
			);

			// The editor's "test step" on the trigger: a manual run returns the newest file of the folder.
			const tc2 = Date.now();
			try {
				const trigger = triggerWf.nodes.find((x) => x.type === FICHIER_TRIGGER);
				const started = await api('POST', `/rest/workflows/${triggerWf.id}/run`, { triggerToStartFrom: { name: trigger.name } });
				const exec = await waitForExecution(api, n8n.dir, started.executionId);
				const out = exec.data?.resultData?.runData?.['Compose message']?.[0]?.data?.main?.[0] ?? [];
				// 1fichier dates have whole seconds: any file with the latest date is "the newest".
				const files = await ctx.filesIn((await ctx.folderByPath('incoming')).id);
				const latest = files.map((f) => f.date).sort().pop();
				const newest = files.filter((f) => f.date === latest).map((f) => f.filename);
				const ok2 = exec.status === 'success' && out.length === 1 && newest.some((n) => out[0].json.message.includes(n));
				record(
					'example: file-landed trigger, manual run returns the newest file',
					ok2,
					Date.now() - tc2,
					`newest: ${newest.join(' or ')}; output ${JSON.stringify(out.map((i) => i.json.message))}\n${describeFailure(exec)}`,
				);
			} catch (e) {
				record('example: file-landed trigger, manual run returns the newest file', false, Date.now() - tc2, e.message);
			}
		}

		if (remoteRequestId) {
			const tc3 = Date.now();
			let messages = [];
			let failedRuns = [];
			while (Date.now() - tc3 < 150_000) {
				({ messages, failedRuns } = await triggerMessages(api, n8n.dir, remoteTriggerWf.id));
				if (messages.some((m) => m.includes(`request ${remoteRequestId}:`))) break;
				await new Promise((r) => setTimeout(r, 2000));
			}
			// Let one more poll pass: a finished request must not start a second execution.
			await new Promise((r) => setTimeout(r, 65_000));
			({ messages, failedRuns } = await triggerMessages(api, n8n.dir, remoteTriggerWf.id));
			const mine = messages.filter((m) => m.includes(`request ${remoteRequestId}:`));
			const ok =
				mine.length === 1 &&
				mine[0].includes('remote-a.txt OK') &&
				mine[0].includes('missing.txt KO') &&
				// Remote uploads of the other cases finish too: each request may appear once, never twice.
				new Set(messages.map((m) => m.split(':')[0])).size === messages.length &&
				failedRuns.length === 0;
			record(
				'trigger: remote upload finished (activated: one execution per finished request, each URL\'s result)',
				ok,
				Date.now() - tc3,
				`request ${remoteRequestId}; messages: ${JSON.stringify(messages)}\n${failedRuns.join('\n')}`,
			);
		}

		const stats = (await ctx.sim.state()).stats ?? {};
		record('simulator saw no flood events', (stats.floodEvents ?? 0) === 0, 0, `floodEvents: ${stats.floodEvents}`);
	} finally {
		await stopProcess(child);
	}

	fixtureServer.close();
	await sim.stop();
}

/**
 * A workflow like the file-landed example but on the `remoteUploadFinished` event, composing one
 * message per finished request: `request <id>: <url> <status>, …`.
 */
function remoteUploadTriggerWorkflow(fileLanded) {
	if (!fileLanded) return undefined;
	const wf = structuredClone(fileLanded);
	wf.id = 'e2eRemoteUploadTrigger';
	wf.name = 'e2e: remote upload finished';
	wf.active = false;
	const trigger = wf.nodes.find((x) => x.type === FICHIER_TRIGGER);
	trigger.parameters = { pollTimes: trigger.parameters.pollTimes, event: 'remoteUploadFinished' };
	const compose = wf.nodes.find((x) => x.name === 'Compose message');
	compose.parameters.assignments.assignments = [
		{
			id: 'r1',
			name: 'message',
			type: 'string',
			value:
				"=request {{ $json.requestId }}: {{ $json.results.map(r => r.url.split('/').pop() + ' ' + r.status).join(', ') }}",
		},
	];
	return wf;
}

main()
	.catch((e) => {
		record('e2e harness', false, 0, e.stack ?? e.message);
	})
	.finally(finish);
