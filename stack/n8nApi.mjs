// Reading n8n's executions and driving workflows through its REST API and webhooks (a signed-in
// `api` from instance.mjs signIn), for the end-to-end suites.
import { createRequire } from 'node:module';
import path from 'node:path';

import { Agent, fetch as undiciFetch } from 'undici';

import { retryOnStaleSocket } from './http.mjs';

/**
 * Webhook calls answer when their workflow ends, which under a flood back-off can take longer than
 * fetch's default 300 s wait for the answer's head: no such limit here (each suite has its own).
 */
const patientDispatcher = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

/** The most recent execution of a workflow, with its data parsed. */
export async function lastExecution(api, n8nDir, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = await api('GET', `/rest/executions?filter=${filter}&limit=1`);
	const summary = (list.results ?? list)[0];
	return summary ? executionById(api, n8nDir, summary.id) : undefined;
}

/** n8n's own words about a failed execution: workflow error and each failed node's error. */
export function describeFailure(exec) {
	if (!exec) return 'no execution recorded';
	const lines = [`execution ${exec.id}: ${exec.status}`];
	const rd = exec.data?.resultData ?? {};
	if (rd.error) lines.push(`n8n error: ${rd.error.message}${rd.error.description ? ` — ${rd.error.description}` : ''}`);
	for (const [node, runs] of Object.entries(rd.runData ?? {})) {
		for (const run of runs) {
			if (run.error) lines.push(`node "${node}": ${run.error.message}${run.error.description ? ` — ${run.error.description}` : ''}`);
		}
	}
	if (rd.lastNodeExecuted) lines.push(`last node: ${rd.lastNodeExecuted}`);
	return lines.join('\n');
}

/** One execution with its data parsed (n8n stores it with flatted). */
export async function executionById(api, n8nDir, id) {
	const flatted = createRequire(path.join(n8nDir, 'node_modules', 'n8n', 'package.json'))('flatted');
	const full = await api('GET', `/rest/executions/${id}`);
	const data = typeof full.data === 'string' ? flatted.parse(full.data) : full.data;
	return { id, status: full.status, finished: full.finished, data };
}

export async function waitForExecution(api, n8nDir, id, timeoutMs = 60_000) {
	const t0 = Date.now();
	for (;;) {
		const exec = await executionById(api, n8nDir, id).catch(() => undefined);
		if (exec && !['new', 'running', 'waiting'].includes(exec.status)) return exec;
		if (Date.now() - t0 > timeoutMs) throw new Error(`execution ${id} did not finish within ${timeoutMs / 1000} s`);
		await new Promise((r) => setTimeout(r, 500));
	}
}

/** POSTs to a production webhook (with `headers`, e.g. its Header Auth); a just-activated webhook may take a moment to register. */
export async function callWebhook(url, payload, headers = {}) {
	const t0 = Date.now();
	for (;;) {
		const res = await postRetryingStaleSocket(url, payload, headers);
		if (res.status !== 404 || Date.now() - t0 > 15_000) return res;
		await res.text();
		await new Promise((r) => setTimeout(r, 500));
	}
}

/**
 * A POST that a long case setup does not break: after more than n8n's 5 s keep-alive, the pooled
 * connection may be closed by n8n just as it is reused (see retryOnStaleSocket).
 */
async function postRetryingStaleSocket(url, payload, headers) {
	return await retryOnStaleSocket(
		async () =>
			await undiciFetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body: JSON.stringify(payload),
				dispatcher: patientDispatcher,
			}),
	);
}

export async function activate(api, id) {
	const wf = await api('GET', `/rest/workflows/${id}`);
	await api('POST', `/rest/workflows/${id}/activate`, { versionId: wf.versionId });
}

/** Every finished execution of the trigger workflow: the composed messages and the failures. */
export async function triggerMessages(api, n8nDir, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = await api('GET', `/rest/executions?filter=${filter}&limit=50`);
	const messages = [];
	const failedRuns = [];
	for (const summary of list.results ?? list) {
		if (summary.status === 'running' || summary.status === 'new') continue;
		const exec = await executionById(api, n8nDir, summary.id);
		if (exec.status !== 'success') failedRuns.push(describeFailure(exec));
		for (const item of exec.data?.resultData?.runData?.['Compose message']?.[0]?.data?.main?.[0] ?? []) {
			messages.push(item.json.message);
		}
	}
	return { messages, failedRuns };
}
