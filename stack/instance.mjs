// One n8n instance made ready: its user folder (the package installed, a credential, the
// examples), its owner account, a signed-in REST client. Used by `npm start`, the end-to-end
// suites, the browser check and the benchmark.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { retryOnStaleSocket } from './http.mjs';
import { installPackageIntoN8n, n8nCli, n8nEnv, repoRoot } from './n8n.mjs';
import { ensureN8n, log } from './provision.mjs';

export const OWNER_EMAIL = 'owner@example.com';
export const SIM_CREDENTIAL = { id: 'oneFichierSimCred', name: '1fichier (simulator)' };
export const REAL_CREDENTIAL = { id: 'oneFichierRealCred', name: '1fichier' };
export const REAL_BASE_URL = 'https://api.1fichier.com/v1';
/**
 * The Header Auth credential of the webhook example (url-to-1fichier.json): a caller must send
 * this header with the instance's secret (kept in <userFolder>/webhook-header.json).
 */
export const WEBHOOK_HEADER_CREDENTIAL = { id: 'exampleWebhookHeaderAuth', name: 'Webhook header (URL to 1fichier)' };
export const WEBHOOK_HEADER_NAME = 'X-Webhook-Token';

const sha = (s) => crypto.createHash('sha256').update(s).digest('hex');

function readJson(file, fallback) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return fallback;
	}
}

/**
 * Imports credentials (`{ id, name, type, data }`) in one CLI call; the plain JSON file lives
 * outside the clone for a moment, mode 0600.
 */
export async function importCredentials(n8n, env, credentials) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-cred-'));
	const file = path.join(dir, 'credentials.json');
	try {
		fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
		await n8nCli(n8n, env, ['import:credentials', `--input=${file}`]);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** Imports one 1fichier credential. */
export async function importCredential(n8n, env, { id, name, apiKey, baseUrl }) {
	await importCredentials(n8n, env, [{ id, name, type: 'oneFichierApi', data: { apiKey, baseUrl } }]);
}

/** Rebinds every 1fichier node of a workflow to the given credential, and header-authenticated webhooks to the example's. */
export function bindCredential(workflow, credential) {
	const wf = structuredClone(workflow);
	for (const node of wf.nodes) {
		if (node.credentials?.oneFichierApi) node.credentials.oneFichierApi = { id: credential.id, name: credential.name };
		if (node.credentials?.httpHeaderAuth) node.credentials.httpHeaderAuth = { ...WEBHOOK_HEADER_CREDENTIAL };
	}
	return wf;
}

/** The header the webhook example wants on this instance: a random secret made once per user folder. */
export function webhookHeaderOf(userFolder) {
	const file = path.join(userFolder, 'webhook-header.json');
	let header = readJson(file, null);
	if (!header?.value) {
		header = { name: WEBHOOK_HEADER_NAME, value: crypto.randomBytes(24).toString('base64url') };
		fs.writeFileSync(file, JSON.stringify(header, null, 2), { mode: 0o600 });
	}
	return header;
}

/** The header a workflow's Webhook node asks for (Header Auth), or undefined when it asks for none. */
export function webhookHeadersFor(workflow, header) {
	const webhook = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.webhook');
	return webhook?.parameters?.authentication === 'headerAuth' ? { [header.name]: header.value } : undefined;
}

/** Imports workflow objects (each with an id) in one CLI call. */
export async function importWorkflows(n8n, env, workflows) {
	if (workflows.length === 0) return;
	const dir = fs.mkdtempSync(path.join(env.TMPDIR || os.tmpdir(), 'n8n-wf-'));
	try {
		for (const wf of workflows) fs.writeFileSync(path.join(dir, `${wf.id}.json`), JSON.stringify(wf));
		await n8nCli(n8n, env, ['import:workflow', '--separate', `--input=${dir}`]);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

export function loadExamples() {
	const dir = path.join(repoRoot, 'examples');
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => ({ file: f, workflow: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) }));
}

/** A password n8n accepts (8+ chars, a digit, an upper-case letter). */
function generatePassword() {
	return `N8n-${crypto.randomBytes(9).toString('base64url')}-7`;
}

/**
 * Makes sure the instance has its owner. On a fresh instance calls POST /rest/owner/setup.
 * The password is kept in <userFolder>/owner.json (mode 0600) and reused by later runs.
 * Returns { email, password, created }.
 */
export async function ensureOwner(baseUrl, userFolder) {
	const file = path.join(userFolder, 'owner.json');
	let owner = readJson(file, null);
	const settings = await (await fetch(`${baseUrl}/rest/settings`)).json();
	const needsSetup = settings?.data?.userManagement?.showSetupOnFirstLoad === true;
	if (!needsSetup) {
		if (!owner) throw new Error(`n8n already has an owner but ${file} is missing; delete ${userFolder} to start over`);
		return { ...owner, created: false };
	}
	owner = owner ?? { email: OWNER_EMAIL, password: generatePassword() };
	const res = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email: owner.email, firstName: 'Local', lastName: 'Owner', password: owner.password }),
	});
	if (!res.ok) throw new Error(`owner setup failed: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
	fs.writeFileSync(file, JSON.stringify(owner, null, 2), { mode: 0o600 });
	return { ...owner, created: true };
}

/** Signs in; returns a fetch wrapper carrying the session cookie (and the browser-id header n8n wants). */
export async function signIn(baseUrl, { email, password }) {
	const browserId = crypto.randomUUID();
	const res = await fetch(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': browserId },
		body: JSON.stringify({ emailOrLdapLoginId: email, password }),
	});
	if (!res.ok) throw new Error(`sign-in failed: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
	const cookie = res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.join('; ');
	const api = async (method, p, body) => {
		const payload = body ? JSON.stringify(body) : undefined;
		const r = await retryOnStaleSocket(
			async () =>
				await fetch(`${baseUrl}${p}`, {
					method,
					headers: { cookie, 'browser-id': browserId, ...(body ? { 'content-type': 'application/json' } : {}) },
					body: payload,
				}),
		);
		const text = await r.text();
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		if (!r.ok) {
			const e = new Error(`${method} ${p} → HTTP ${r.status}: ${(json?.message ?? text).slice(0, 500)}`);
			e.status = r.status;
			throw e;
		}
		return json?.data ?? json;
	};
	return { cookie, browserId, api };
}

/**
 * Prepares an n8n user folder (package installed, credentials imported when changed: the 1fichier
 * one and the webhook example's header, examples imported when changed). Returns what is needed
 * to start it, and the header the webhook example wants.
 */
export async function prepareN8n({ userFolder, port, brokerPort, credential, apiKey, credBaseUrl, extraEnv = {}, examplesTransform, importExamples = true }) {
	const n8n = await ensureN8n();
	fs.mkdirSync(userFolder, { recursive: true });
	const env = n8nEnv({ userFolder, port, brokerPort, binDir: n8n.binDir, extra: extraEnv });
	await installPackageIntoN8n(userFolder, { binDir: n8n.binDir });

	const stateFile = path.join(userFolder, 'provisioned.json');
	const state = readJson(stateFile, { credentials: {}, examples: {} });
	// A real account's key is re-imported every run rather than remembered, even as a hash.
	const isDemoKey = credential.id !== REAL_CREDENTIAL.id;
	const credHash = isDemoKey ? sha(`${credential.id}\n${credential.name}\n${credBaseUrl}\n${apiKey}`) : null;
	const webhookHeader = webhookHeaderOf(userFolder);
	const headerHash = sha(`${WEBHOOK_HEADER_CREDENTIAL.id}\n${WEBHOOK_HEADER_CREDENTIAL.name}\n${webhookHeader.name}\n${webhookHeader.value}`);
	const credentials = [];
	if (!credHash || state.credentials[credential.id] !== credHash) {
		log(`Creating the credential "${credential.name}" → ${credBaseUrl}`);
		credentials.push({ ...credential, type: 'oneFichierApi', data: { apiKey, baseUrl: credBaseUrl } });
	}
	if (state.credentials[WEBHOOK_HEADER_CREDENTIAL.id] !== headerHash) {
		credentials.push({ ...WEBHOOK_HEADER_CREDENTIAL, type: 'httpHeaderAuth', data: webhookHeader });
	}
	if (credentials.length) await importCredentials(n8n, env, credentials);
	if (credHash) state.credentials[credential.id] = credHash;
	state.credentials[WEBHOOK_HEADER_CREDENTIAL.id] = headerHash;
	const changed = [];
	for (const { file, workflow } of importExamples ? loadExamples() : []) {
		let wf = bindCredential(workflow, credential);
		if (examplesTransform) wf = examplesTransform(wf, file);
		const h = sha(JSON.stringify(wf));
		if (state.examples[wf.id] !== h) {
			changed.push(wf);
			state.examples[wf.id] = h;
		}
	}
	if (changed.length) {
		log(`Importing ${changed.length} example workflow(s): ${changed.map((w) => w.name).join('; ')}`);
		await importWorkflows(n8n, env, changed);
	}
	fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
	return { n8n, env, webhookHeader };
}

