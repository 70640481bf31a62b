#!/usr/bin/env node
// npm run test:e2e: the packed package in a fresh, isolated real n8n (pinned version, Node.js 24)
// against a fresh simulator. Every operation of NODE-INTERFACE.md and every example workflow runs
// as a real n8n workflow; checks look at n8n's output and at the simulator's state. Cases that
// name several binary data modes (`binaryModes`) also run in a second n8n whose binary data lives
// in its database (N8N_DEFAULT_BINARY_DATA_MODE=database), side by side with the first.
//
// Options: E2E_ONLY=<substring> runs the matching cases only (and skips the trigger checks unless
// E2E_TRIGGERS=1);
// SKIP_BUILD=1 uses the existing dist/ and build/ (without it they are built unless up to date).
import fs from 'node:fs';
import path from 'node:path';
import { buildPackage } from '../../stack/build.mjs';
import { SIM_CREDENTIAL, bindCredential, ensureOwner, importWorkflows, loadExamples, prepareN8n, signIn, webhookHeadersFor } from '../../stack/instance.mjs';
import { activate, callWebhook, describeFailure, lastExecution } from '../../stack/n8nApi.mjs';
import { FICHIER, FICHIER_TRIGGER, freePort, repoRoot, startN8n, stopProcess } from '../../stack/n8n.mjs';
import { log } from '../../stack/provision.mjs';
import { startSimulator } from '../../stack/simulator.mjs';
import { cases } from './cases.mjs';
import { fixtures, makeContext, startFixtureServer } from './context.mjs';
import { createReport } from './report.mjs';
import { TRIGGER_EXAMPLE, fileLandedTrigger, remoteUploadTrigger, remoteUploadTriggerWorkflow } from './triggers.mjs';
import { exampleAsWebhook, testWorkflow } from './workflow.mjs';

const secs = (t) => `${((Date.now() - t) / 1000).toFixed(1)} s`;
const artifacts = path.join(repoRoot, 'test-artifacts', 'e2e');
const only = process.env.E2E_ONLY;

const { record, finish } = createReport('e2e');

/** The workflow one case runs in one binary data mode, and the webhook that starts it. */
function planCase(c, index, mode, examples, ctx) {
	const n = `${String(index + 1).padStart(2, '0')}${mode === 'filesystem' ? '' : `-${mode}`}`;
	const name = (c.binaryModes ?? []).length > 1 ? `${c.name} [${mode} binary mode]` : c.name;
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
		wf = testWorkflow({ id: `e2eCase${n}`, name: `e2e ${n}: ${name}`, path: webhookPath, steps: c.steps, credential: SIM_CREDENTIAL, responseData: c.responseData });
	}
	if (c.patch) wf = c.patch(wf, ctx);
	return { c, name, wf, webhookPath };
}

/** One n8n: user folder prepared (package, credential, workflows), started, owner signed in. */
async function startInstance({ name, sim, extraEnv, workflows }) {
	const t = Date.now();
	const userFolder = path.join(artifacts, name);
	const port = await freePort(0);
	const { n8n, env, webhookHeader } = await prepareN8n({
		userFolder,
		port,
		brokerPort: await freePort(0),
		credential: SIM_CREDENTIAL,
		apiKey: sim.apiKey,
		credBaseUrl: sim.baseUrl,
		extraEnv,
		importExamples: false,
	});
	await importWorkflows(n8n, env, workflows);
	const child = await startN8n(n8n, env, { logFile: path.join(artifacts, `${name}.log`) });
	const base = `http://127.0.0.1:${port}`;
	log(`n8n ${n8n.version} "${name}" ready on ${base} in ${secs(t)} (package installed, ${workflows.length} workflows imported)`);
	const { api } = await signIn(base, await ensureOwner(base, userFolder));
	return { name, n8n, base, api, child, webhookHeader };
}

/** Runs planned cases one after the other through their webhooks, recording each verdict. */
async function runCases(instance, planned, ctx) {
	for (const p of planned) await activate(instance.api, p.wf.id);
	for (const { c, name, wf, webhookPath } of planned) {
		const t0 = Date.now();
		try {
			const setupResult = c.setup ? await c.setup(ctx) : {};
			const url = `${instance.base}/webhook/${webhookPath}`;
			const headers = webhookHeadersFor(wf, instance.webhookHeader);
			if (headers) {
				// A webhook with Header Auth: without the header (or with a wrong one) n8n must refuse the call.
				for (const wrong of [{}, { [instance.webhookHeader.name]: 'not-the-secret' }]) {
					const refused = await callWebhook(url, setupResult ?? {}, wrong);
					await refused.text();
					if (refused.status !== 403) throw new Error(`the webhook answered HTTP ${refused.status} to a call ${Object.keys(wrong).length ? 'with a wrong' : 'without its'} header, not 403`);
				}
			}
			const res = await callWebhook(url, setupResult ?? {}, headers);
			const text = await res.text();
			if (!res.ok) {
				const exec = await lastExecution(instance.api, instance.n8n.dir, wf.id).catch(() => undefined);
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
			record(name, true, Date.now() - t0);
		} catch (e) {
			record(name, false, Date.now() - t0, e.cause ? `${e.message}: ${e.cause.message ?? e.cause}` : e.message);
		}
	}
}

/** The node types are loaded under their community-package names. */
async function checkNodeTypes(api) {
	const t0 = Date.now();
	const types = await api('GET', '/types/nodes.json');
	const names = new Set(types.map((x) => x.name));
	const missing = [FICHIER, FICHIER_TRIGGER].filter((x) => !names.has(x));
	record('node types are loaded (oneFichier, oneFichierTrigger)', missing.length === 0, Date.now() - t0, missing.length ? `missing: ${missing.join(', ')}` : '');
	return names;
}

/**
 * The credential's Test button as the editor calls it: n8n must find the function the nodes name
 * in `testedBy`, and a free account's key must be told so, not told to wait.
 */
async function checkCredentialTest(api, sim, ctx) {
	const name = "credential Test button: good key OK, a free account's key named";
	const t0 = Date.now();
	try {
		const testCredential = (apiKey) =>
			api('POST', '/rest/credentials/test', { credentials: { ...SIM_CREDENTIAL, type: 'oneFichierApi', data: { apiKey, baseUrl: sim.baseUrl } } });
		const good = await testCredential(` Bearer ${sim.apiKey} `);
		if (good?.status !== 'OK') throw new Error(`a good key (pasted with "Bearer "): ${JSON.stringify(good)}`);
		await ctx.sim.faults({ kind: 'refusal', status: 403, message: 'Must be a customer (Premium, Access) #200', match: 'folder/ls.cgi' });
		const free = await testCredential(sim.apiKey);
		if (free?.status !== 'Error' || !/free account/.test(free.message) || /wait a few minutes/i.test(free.message)) {
			throw new Error(`a free account's key: ${JSON.stringify(free)}`);
		}
		record(name, true, Date.now() - t0);
	} catch (e) {
		record(name, false, Date.now() - t0, e.message);
	}
}

async function main() {
	fs.rmSync(artifacts, { recursive: true, force: true });
	fs.mkdirSync(artifacts, { recursive: true });
	await buildPackage();

	const sim = await startSimulator({ port: await freePort(0), seed: 'demo', timeScale: 0.02, logFile: path.join(artifacts, 'simulator.log') });
	const fixturePort = await freePort(0);
	const fixtureServer = await startFixtureServer(fixturePort);
	// The backup cases change files of the NAS tree and restore into it: they work on a copy.
	const nasDir = path.join(artifacts, 'nas');
	fs.cpSync(path.join(fixtures, 'nas'), nasDir, { recursive: true });
	const restoreDir = path.join(artifacts, 'restore');
	const filesDir = path.join(artifacts, 'files');
	for (const dir of [restoreDir, filesDir]) fs.mkdirSync(dir, { recursive: true });
	const ctx = makeContext(sim, fixturePort, nasDir, restoreDir, filesDir);
	log(`simulator ${sim.baseUrl} (time scale 0.02)`);

	// Workflows: one per case and binary mode, the examples as shipped, and the examples run through a webhook.
	const examples = Object.fromEntries(loadExamples().map((e) => [e.file, bindCredential(e.workflow, SIM_CREDENTIAL)]));
	ctx.example = (file) => examples[file];
	const planned = { filesystem: [], database: [] };
	cases.forEach((c, i) => {
		if (only && !c.name.includes(only)) return;
		for (const mode of c.binaryModes ?? ['filesystem']) planned[mode].push(planCase(c, i, mode, examples, ctx));
	});
	const shipped = Object.values(examples).filter((wf) => !planned.filesystem.some((p) => p.wf.id === wf.id));
	const remoteTriggerWf = remoteUploadTriggerWorkflow(examples[TRIGGER_EXAMPLE]);
	if (remoteTriggerWf) shipped.push(remoteTriggerWf);

	const saveAll = { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all' };
	const [main, database] = await Promise.all([
		startInstance({
			name: 'n8n',
			sim,
			extraEnv: { N8N_RESTRICT_FILE_ACCESS_TO: `${nasDir};${restoreDir};${filesDir}`, ...saveAll },
			workflows: [...planned.filesystem.map((p) => p.wf), ...shipped],
		}),
		planned.database.length === 0
			? undefined
			: startInstance({
					name: 'n8n-database',
					sim,
					extraEnv: { N8N_DEFAULT_BINARY_DATA_MODE: 'database', N8N_RESTRICT_FILE_ACCESS_TO: filesDir, ...saveAll },
					workflows: planned.database.map((p) => p.wf),
				}),
	]);
	ctx.n8nPid = main.child.pid;
	try {
		const names = await checkNodeTypes(main.api);
		await checkCredentialTest(main.api, sim, ctx);

		// Triggers are armed first and judged while the cases run (n8n polls them every minute).
		const judged = [];
		const triggerWf = examples[TRIGGER_EXAMPLE];
		if ((!only || process.env.E2E_TRIGGERS === '1') && names.has(FICHIER_TRIGGER)) {
			const triggerArgs = { api: main.api, n8nDir: main.n8n.dir, ctx, sim, record };
			if (triggerWf) {
				const landed = await fileLandedTrigger({ ...triggerArgs, workflow: triggerWf });
				judged.push(landed.judged);
				// Its checks read "incoming"; the case that adds files there waits for them.
				ctx.incomingSettled = landed.judged;
			}
			if (remoteTriggerWf) judged.push((await remoteUploadTrigger({ ...triggerArgs, workflow: remoteTriggerWf })).judged);
		}

		await Promise.all([
			runCases(main, planned.filesystem, ctx),
			database && runCases(database, planned.database, { ...ctx, binaryMode: 'database' }),
		]);
		await Promise.all(judged);

		const stats = (await ctx.sim.state()).stats ?? {};
		record('simulator saw no flood events', (stats.floodEvents ?? 0) === 0, 0, `floodEvents: ${stats.floodEvents}`);
	} finally {
		await Promise.all([main, database].filter(Boolean).map(async (instance) => await stopProcess(instance.child)));
	}

	fixtureServer.close();
	await sim.stop();
}

main()
	.catch((e) => {
		record('e2e harness', false, 0, e.stack ?? e.message);
	})
	.finally(finish);
