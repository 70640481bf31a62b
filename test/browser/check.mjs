#!/usr/bin/env node
// npm run test:browser: the n8n editor in a real browser (Debian's chromium driven by
// playwright-core) with this package installed: sign in, add the 1fichier node, its icon and
// operations, the folder picker against the simulator, the credential's Test verdicts, and the
// node's errors as the editor shows them (a wrong password, reversed dates), in display names.
// Reuses a running `npm start` (found through .n8n-local/running.json), else starts one.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildPackage } from '../../stack/build.mjs';
import { ensureChromium, CHROMIUM_ARGS } from '../../stack/chromium.mjs';
import { signIn } from '../../stack/instance.mjs';
import { FICHIER, freePort, repoRoot } from '../../stack/n8n.mjs';
import { log, trackChild } from '../../stack/provision.mjs';
import { demoApiKey } from '../../stack/simulator.mjs';

const T0 = Date.now();
const shots = path.join(repoRoot, 'test-artifacts', 'browser');
const userFolder = path.join(repoRoot, '.n8n-local');
const results = [];
let shotNo = 0;

function record(name, ok, detail = '') {
	results.push({ name, ok });
	log(`${ok ? 'PASS' : 'FAIL'}  ${name}${!ok && detail ? `\n      ${detail.replace(/\n/g, '\n      ')}` : ''}`);
}

async function shot(page, name) {
	shotNo += 1;
	const file = path.join(shots, `${String(shotNo).padStart(2, '0')}-${name}.png`);
	await page.screenshot({ path: file }).catch(() => {});
	return file;
}

/** One check: runs fn, records the verdict, screenshots either way. */
async function check(page, name, slug, fn) {
	try {
		await fn();
		record(name, true);
	} catch (e) {
		record(name, false, e.message.split('\n').slice(0, 6).join('\n'));
	}
	await shot(page, slug);
}

function assert(cond, message) {
	if (!cond) throw new Error(message);
}

/** A running `npm start` stack, or a new one (stopped at the end). */
async function getStack() {
	const runningFile = path.join(userFolder, 'running.json');
	if (fs.existsSync(runningFile)) {
		const running = JSON.parse(fs.readFileSync(runningFile, 'utf8'));
		const alive = await fetch(`${running.n8nUrl}/healthz/readiness`).then((r) => r.ok).catch(() => false);
		if (alive && running.simulatorUrl) {
			log(`Reusing the running stack: ${running.n8nUrl} (simulator ${running.simulatorUrl})`);
			return { ...running, stop: async () => {} };
		}
	}
	log('Starting the stack (npm start)…');
	// Built here, so a build failure is reported as such rather than as a stack that did not start.
	await buildPackage();
	const env = { ...process.env };
	delete env.ONEFICHIER_API_KEY; // the check needs the simulator
	// A port of its own unless told, so another n8n on 5678 (another clone, another suite) is no obstacle.
	env.N8N_PORT ??= String(await freePort(0));
	const child = trackChild(spawn(process.execPath, [path.join(repoRoot, 'scripts', 'start.mjs')], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
	let output = '';
	await new Promise((resolve, reject) => {
		const onData = (d) => {
			output += d;
			if (output.includes('Press Ctrl-C to stop.')) resolve();
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', (d) => (output += d));
		child.on('exit', (code) => reject(new Error(`npm start exited with ${code}\n${output.slice(-3000)}`)));
	});
	child.removeAllListeners('exit');
	const running = JSON.parse(fs.readFileSync(runningFile, 'utf8'));
	return {
		...running,
		stop: () =>
			new Promise((resolve) => {
				child.once('exit', resolve);
				child.kill('SIGINT');
			}),
	};
}

/** A file of the simulator with a download password (made for the check, deleted at its end). */
async function protectedFile(stack) {
	const control = await fetch(`${stack.simulatorUrl}/__simulator/files`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ folderId: 0, filename: 'browser-check-protected.txt', contentBase64: Buffer.from('protected\n').toString('base64') }),
	});
	const file = await control.json();
	const call = async (endpoint, body) => {
		const res = await fetch(`${stack.simulatorUrl}/v1/${endpoint}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${demoApiKey()}`, 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		const answer = await res.json();
		assert(answer.status === 'OK', `${endpoint}: ${JSON.stringify(answer)}`);
	};
	await call('file/chattr.cgi', { urls: [file.url], pass: 'the-right-password' });
	return { url: file.url, cleanUp: () => call('file/rm.cgi', { files: [{ url: file.url }] }) };
}

/**
 * One node's error as the editor shows it: a workflow (Manual Trigger → the 1fichier node) made
 * through n8n's REST API, opened in the editor, the node executed from its panel; the panel must
 * show the expected texts, in the user's words, and none of the internal names.
 */
async function checkNodeError(page, stack, api, { name, slug, node, parameters, prepare, expected, notExpected }) {
	const prepared = prepare ? await prepare(stack).catch((e) => ({ error: e })) : undefined;
	try {
		await check(page, name, slug, async () => {
			if (prepared?.error) throw prepared.error;
			const workflow = await api('POST', '/rest/workflows', {
				name: `browser check: ${node}`,
				nodes: [
					{ id: 'trigger', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{
						id: 'fichier',
						name: node,
						type: FICHIER,
						typeVersion: 1,
						position: [240, 0],
						parameters: parameters(prepared),
						credentials: { oneFichierApi: { id: stack.credential.id, name: stack.credential.name } },
					},
				],
				connections: { Start: { main: [[{ node, type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1' },
				active: false,
			});
			await page.goto(`${stack.n8nUrl}/workflow/${workflow.id}`);
			await page.dblclick(`[data-test-id="canvas-node"]:has-text("${node}")`);
			await page.click('[data-test-id="node-execute-button"]');
			await page.waitForFunction((headline) => document.body.innerText.includes(headline), expected[0], { timeout: 60_000 });
			// n8n folds the description under "Details" in places: open what can be opened.
			for (const toggle of await page.$$('text=/^(Details|Show details|More details)$/')) await toggle.click().catch(() => {});
			await page.waitForTimeout(500);
			const text = await page.innerText('body');
			const missing = expected.filter((part) => !text.includes(part));
			assert(missing.length === 0, `missing from the editor: ${missing.join(' | ')}\n${text.slice(0, 1500)}`);
			const internal = notExpected.filter((part) => text.includes(part));
			assert(internal.length === 0, `internal names shown: ${internal.join(', ')}`);
		});
	} finally {
		await prepared?.cleanUp?.().catch(() => {});
	}
}

/** Texts of the visible elements matching a selector. */
const visibleTexts = (page, selector) =>
	page.$$eval(selector, (els) => els.filter((e) => e.offsetParent !== null).map((e) => e.textContent.trim()));

async function main() {
	fs.rmSync(shots, { recursive: true, force: true });
	fs.mkdirSync(shots, { recursive: true });
	const executablePath = await ensureChromium();
	const stack = await getStack();
	const owner = JSON.parse(fs.readFileSync(path.join(userFolder, 'owner.json'), 'utf8'));
	const sim = await (await fetch(`${stack.simulatorUrl}/__simulator/state`)).json();
	const simFolders = sim.folders.filter((f) => f.id !== 0).map((f) => f.name);
	const { api } = await signIn(stack.n8nUrl, owner);
	const credsBefore = new Set((await api('GET', '/rest/credentials')).map((c) => c.id));
	const workflowsBefore = new Set((await api('GET', '/rest/workflows')).map((w) => w.id));

	const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
	const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	page.setDefaultTimeout(30_000);
	try {
		await check(page, 'sign in as the owner', 'signed-in', async () => {
			await page.goto(`${stack.n8nUrl}/signin`);
			await page.fill('input[name="emailOrLdapLoginId"]', owner.email);
			await page.fill('input[name="password"]', owner.password);
			await page.click('[data-test-id="form-submit-button"]');
			await page.waitForURL(/\/home|\/workflows/);
		});

		await check(page, 'node creator finds "1fichier"', 'node-creator', async () => {
			await page.goto(`${stack.n8nUrl}/workflow/new`);
			await page.click('[data-test-id="canvas-plus-button"]');
			await page.fill('[data-test-id="node-creator-search-bar"]', '1fichier');
			await page.waitForSelector('[data-test-id="node-creator-item-name"]:text-is("1fichier")');
		});

		await check(page, 'the node shows its icon (served by n8n)', 'icon', async () => {
			const srcs = await page.$$eval('img', (els) => els.map((e) => e.getAttribute('src')));
			const icon = srcs.find((s) => s && s.includes('/icons/n8n-nodes-1fichier/'));
			assert(icon, `no package icon among <img> ${JSON.stringify(srcs)}`);
			const res = await page.request.get(new URL(icon, stack.n8nUrl).toString());
			assert(res.ok() && (await res.text()).includes('<svg'), `icon ${icon} answered HTTP ${res.status()}`);
		});

		await check(page, 'the trigger node is loaded with its two events', 'triggers', async () => {
			// n8n merges a package's action and trigger nodes into one entry; on an empty canvas it
			// opens on the triggers.
			await page.click('[data-test-id="node-creator-item-name"]:text-is("1fichier")');
			await page.waitForSelector('text=/Triggers \\(\\d+\\)/');
			const body = await page.innerText('body');
			const missing = ['On file added', 'On remote upload finished'].filter((t) => !body.includes(t));
			assert(missing.length === 0, `missing trigger events: ${missing.join(', ')}`);
		});

		await check(page, 'the node lists its actions', 'actions', async () => {
			if (!(await page.isVisible('text=Get many files'))) await page.click('text=/^Actions \\(\\d+\\)/');
			await page.waitForSelector('text=Get many files');
			const expected = ['Upload a file', 'Download a file', 'Get a download link', 'Get many files', 'Create a folder', 'Delete a folder', 'Create a remote upload', 'Get account information'];
			// The panel renders its sections one after the other: read it until all are there (or 10 s).
			let missing = expected;
			for (const startedAt = Date.now(); missing.length > 0 && Date.now() - startedAt < 10_000; await page.waitForTimeout(250)) {
				const body = (await page.innerText('body')).toLowerCase();
				missing = expected.filter((a) => !body.includes(a.toLowerCase()));
			}
			assert(missing.length === 0, `missing actions: ${missing.join(', ')}`);
		});

		await check(page, 'adding "Get many files" opens it with the credential selected', 'ndv', async () => {
			await page.click('text=Get many files');
			await page.waitForSelector('[data-test-id="resource-locator-folder"]');
			const cred = await page.inputValue('[data-test-id="node-credentials-select"] input').catch(async () => page.innerText('[data-test-id="node-credentials-select"]'));
			assert(String(cred).includes('1fichier (simulator)'), `credential shown: ${cred}`);
		});

		await check(page, 'the File operations are all offered', 'operations', async () => {
			await page.click('[data-test-id="parameter-input-operation"]');
			await page.waitForTimeout(500);
			const ops = (await visibleTexts(page, '.el-select-dropdown__item, [role="option"]')).join(' | ');
			const expected = ['Upload', 'Download', 'Get Link', 'Get Many', 'Rename', 'Move', 'Copy', 'Delete', 'Update'];
			const missing = expected.filter((o) => !ops.includes(o));
			assert(missing.length === 0, `missing operations: ${missing.join(', ')} (shown: ${ops})`);
			await page.keyboard.press('Escape');
		});

		await check(page, 'the folder picker lists the simulator\'s folders', 'folder-picker', async () => {
			await page.click('[data-test-id="resource-locator-folder"] [data-test-id="rlc-input"]');
			await page.waitForFunction(
				(names) => {
					const items = [...document.querySelectorAll('[data-test-id="rlc-item"]')].map((e) => e.textContent);
					return names.every((n) => items.some((t) => t.includes(n)));
				},
				simFolders,
			);
			const items = await visibleTexts(page, '[data-test-id="rlc-item"]');
			assert(items[0].includes('Root'), `root is not first: ${items.join(', ')}`);
		});

		await check(page, 'the folder picker filters on a search', 'folder-search', async () => {
			await page.fill('input[data-test-id="rlc-search"]', 'incom');
			await page.waitForFunction(() => {
				const items = [...document.querySelectorAll('[data-test-id="rlc-item"]')].map((e) => e.textContent);
				return items.some((t) => t.includes('incoming')) && !items.some((t) => t.includes('shared-docs'));
			});
		});
		// After the screenshot, so it shows the filtered list.
		await page.keyboard.press('Escape');

		await check(page, 'credential Test: success with the demo key', 'credential-ok', async () => {
			await page.click('[data-test-id="credential-edit-button"]');
			await page.waitForSelector('[data-test-id="credential-edit-dialog"]');
			await page.waitForSelector('[data-test-id="credential-edit-dialog"] >> text=Connection tested successfully');
			// A test-only field, shown because this saved credential holds a value other than the default.
			const baseUrl = await page.inputValue('[data-test-id="credential-edit-dialog"] [data-test-id="parameter-input-baseUrl"] input');
			assert(baseUrl.startsWith(stack.simulatorUrl), `the saved Base URL is not shown: "${baseUrl}"`);
		});
		await page.keyboard.press('Escape');
		await page.waitForTimeout(500);
		// Escape may close the node panel too: reopen it.
		if (!(await page.isVisible('[data-test-id="node-credentials-select"]'))) {
			await page.dblclick('[data-test-id="canvas-node"]:has-text("Get many files")');
			await page.waitForSelector('[data-test-id="node-credentials-select"]').catch(() => {});
		}

		await check(page, 'credential Test: a clear failure with a wrong key', 'credential-wrong-key', async () => {
			await page.click('[data-test-id="node-credentials-select"]');
			await page.click('[data-test-id="node-credentials-select-item-new"]');
			const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
			await dialog.waitFor();
			await dialog.locator('[data-test-id="parameter-input-apiKey"] input').fill('WRONG-KEY-browser-check-000000000');
			const baseUrl = dialog.locator('[data-test-id="parameter-input-baseUrl"] input');
			await baseUrl.fill(`${stack.simulatorUrl}/v1`);
			await page.click('[data-test-id="credential-save-button"]');
			await dialog.locator('text=/Couldn.t connect/').waitFor();
			await dialog.locator('text=More details').click().catch(() => {});
			await page.waitForTimeout(500);
			const text = await page.innerText('body');
			assert(/refused the API key|Not authenticated/i.test(text), `the failure does not say why:\n${text.slice(0, 800)}`);
		});
		await page.keyboard.press('Escape');

		await checkNodeError(page, stack, api, {
			name: 'a wrong password: the error names "File" and "Password" (under Options), 1fichier\'s answer in the details',
			slug: 'error-wrong-password',
			node: 'Get link (wrong password)',
			parameters: (file) => ({
				resource: 'file',
				operation: 'getLink',
				file: { __rl: true, mode: 'url', value: file.url },
				options: { password: 'not-the-password' },
			}),
			prepare: protectedFile,
			expected: ['Could not get a download link for the file in "File": the password in "Password" (under Options) is wrong', 'Invalid password'],
			notExpected: ['options.password', '1fichier: Resource'],
		});

		await checkNodeError(page, stack, api, {
			name: 'reversed dates: the error names "Uploaded After" and "Uploaded Before" (under Filters)',
			slug: 'error-reversed-dates',
			node: 'Get many files (reversed dates)',
			parameters: () => ({
				resource: 'file',
				operation: 'getMany',
				folder: { __rl: true, mode: 'id', value: '0' },
				returnAll: true,
				filters: { sentAfter: '2026-03-01T00:00:00', sentBefore: '2026-02-01T00:00:00' },
			}),
			expected: ['"Uploaded After" (under Filters) must be earlier than "Uploaded Before" (under Filters)', 'Swap them'],
			notExpected: ['filters.sentAfter', 'sentBefore"'],
		});
	} finally {
		await browser.close();
		// Remove the credentials and workflows the check created (n8n saves new workflows itself).
		for (const c of await api('GET', '/rest/credentials').catch(() => [])) {
			if (!credsBefore.has(c.id)) await api('DELETE', `/rest/credentials/${c.id}`).catch(() => {});
		}
		for (const w of await api('GET', '/rest/workflows').catch(() => [])) {
			if (workflowsBefore.has(w.id)) continue;
			await api('POST', `/rest/workflows/${w.id}/archive`, {}).catch(() => {});
			await api('DELETE', `/rest/workflows/${w.id}`).catch(() => {});
		}
		await stack.stop();
	}
}

main()
	.catch((e) => record('browser harness', false, e.stack ?? e.message))
	.finally(() => {
		const passed = results.filter((r) => r.ok).length;
		const failed = results.length - passed;
		log(`\nscreenshots: ${path.relative(repoRoot, shots)}/   total time ${((Date.now() - T0) / 1000).toFixed(1)} s`);
		log(`browser: ${passed} passed, ${failed} failed`);
		process.exit(failed === 0 && passed > 0 ? 0 : 1);
	});
