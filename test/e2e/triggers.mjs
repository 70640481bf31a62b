// The trigger checks of the end-to-end suite: the file-landed example and a remote-upload-finished
// workflow, activated in the real n8n. Each is armed before the cases run (activated, its first
// poll over, then the event made to happen) and judged while they run: n8n polls every minute, so
// the judging is mostly waiting, and it overlaps the cases instead of following them.
import { activate, describeFailure, triggerMessages, waitForExecution } from '../../stack/n8nApi.mjs';
import { FICHIER_TRIGGER } from '../../stack/n8n.mjs';

export const TRIGGER_EXAMPLE = 'file-landed-notification.json';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Past the next poll: n8n polls `everyMinute` at one fixed second of each minute. */
const ONE_MORE_POLL_MS = 65_000;

/**
 * A workflow like the file-landed example but on the `remoteUploadFinished` event, composing one
 * message per finished request: `request <id>: <url> <status>, …`.
 */
export function remoteUploadTriggerWorkflow(fileLanded) {
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

/** Activates a trigger workflow and waits until its first poll (which records what exists) has listed. */
async function activateAfterFirstPoll(api, ctx, workflowId, endpoints) {
	const listings = async () => {
		const by = (await ctx.sim.state()).stats?.byEndpoint ?? {};
		return endpoints.reduce((sum, e) => sum + (by[e] ?? 0), 0);
	};
	const before = await listings();
	await activate(api, workflowId);
	const waitStart = Date.now();
	while ((await listings()) === before && Date.now() - waitStart < 70_000) await sleep(250);
	await sleep(1000);
}

/** Polls the trigger's executions until one message matches, or the time is up. */
async function waitForMessage(api, n8nDir, workflowId, matches, timeoutMs) {
	const t0 = Date.now();
	for (;;) {
		const result = await triggerMessages(api, n8nDir, workflowId);
		if (result.messages.some(matches) || Date.now() - t0 > timeoutMs) return result;
		await sleep(2000);
	}
}

/**
 * The file-landed example: armed by dropping a file into "incoming" after the activation poll;
 * judged once one more poll has passed (the file emitted exactly once, nothing old), then the
 * editor's manual run of the trigger. Resolves once armed, with `judged`, a promise that settles
 * when both checks are recorded (after which "incoming" may change again).
 */
export async function fileLandedTrigger({ api, n8nDir, ctx, workflow, record }) {
	const incoming = (await ctx.folderByPath('incoming')) ?? (await ctx.folder('incoming'));
	// The baseline is the file listing: the folder listing that finds "incoming" by its path comes
	// first, Listing Spacing (3 s) before it, and a file added in between would count as old.
	await activateAfterFirstPoll(api, ctx, workflow.id, ['file/ls.cgi']);
	const landedFile = await ctx.sim.addFile(incoming.id, 'e2e-landed.txt', 'landed');
	const armedAt = Date.now();

	const judge = async () => {
		const name = 'example: file-landed trigger (activated: emits the new file once, nothing old)';
		try {
			await waitForMessage(api, n8nDir, workflow.id, (m) => m.includes('e2e-landed.txt'), 150_000);
			await sleep(ONE_MORE_POLL_MS);
			const { messages, failedRuns } = await triggerMessages(api, n8nDir, workflow.id);
			// Other cases may add files to "incoming" (the CSV example): those may show up as well.
			const landed = messages.filter((m) => m.includes('e2e-landed.txt'));
			const old = messages.filter((m) => /notes\.txt|report\.csv/.test(m));
			const ok = landed.length === 1 && landed[0].includes(landedFile.url) && old.length === 0 && failedRuns.length === 0;
			record(name, ok, Date.now() - armedAt, `messages: ${JSON.stringify(messages)}\n${failedRuns.join('\n')}`);
		} catch (e) {
			record(name, false, Date.now() - armedAt, e.message);
		}
		await manualRun();
	};

	// The editor's "test step" on the trigger: a manual run returns the newest file of the folder.
	const manualRun = async () => {
		const name = 'example: file-landed trigger, manual run returns the newest file';
		const t0 = Date.now();
		try {
			const trigger = workflow.nodes.find((x) => x.type === FICHIER_TRIGGER);
			const started = await api('POST', `/rest/workflows/${workflow.id}/run`, { triggerToStartFrom: { name: trigger.name } });
			const exec = await waitForExecution(api, n8nDir, started.executionId);
			const out = exec.data?.resultData?.runData?.['Compose message']?.[0]?.data?.main?.[0] ?? [];
			// 1fichier dates have whole seconds: any file with the latest date is "the newest".
			const files = await ctx.filesIn(incoming.id);
			const latest = files.map((f) => f.date).sort().pop();
			const newest = files.filter((f) => f.date === latest).map((f) => f.filename);
			const ok = exec.status === 'success' && out.length === 1 && newest.some((n) => out[0].json.message.includes(n));
			record(name, ok, Date.now() - t0, `newest: ${newest.join(' or ')}; output ${JSON.stringify(out.map((i) => i.json.message))}\n${describeFailure(exec)}`);
		} catch (e) {
			record(name, false, Date.now() - t0, e.message);
		}
	};

	return { judged: judge() };
}

/**
 * A remote upload requested after the activation poll: judged once one more poll has passed (one
 * execution for the finished request, with each URL's result, never a second). Resolves once
 * armed, with `judged`.
 */
export async function remoteUploadTrigger({ api, n8nDir, ctx, sim, workflow, record }) {
	await activateAfterFirstPoll(api, ctx, workflow.id, ['remote/ls.cgi']);
	const answer = await fetch(`${sim.baseUrl}/remote/request.cgi`, {
		method: 'POST',
		headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify({ urls: [ctx.fixtureUrl('remote-a.txt'), ctx.fixtureUrl('missing.txt')], folder_id: 0 }),
	}).then((r) => r.json());
	const requestId = Number(answer.id);
	const armedAt = Date.now();

	const judge = async () => {
		const name = "trigger: remote upload finished (activated: one execution per finished request, each URL's result)";
		try {
			const mark = `request ${requestId}:`;
			await waitForMessage(api, n8nDir, workflow.id, (m) => m.includes(mark), 150_000);
			// Let one more poll pass: a finished request must not start a second execution.
			await sleep(ONE_MORE_POLL_MS);
			const { messages, failedRuns } = await triggerMessages(api, n8nDir, workflow.id);
			const mine = messages.filter((m) => m.includes(mark));
			const ok =
				mine.length === 1 &&
				mine[0].includes('remote-a.txt OK') &&
				mine[0].includes('missing.txt KO') &&
				// Remote uploads of the other cases finish too: each request may appear once, never twice.
				new Set(messages.map((m) => m.split(':')[0])).size === messages.length &&
				failedRuns.length === 0;
			record(name, ok, Date.now() - armedAt, `request ${requestId}; messages: ${JSON.stringify(messages)}\n${failedRuns.join('\n')}`);
		} catch (e) {
			record(name, false, Date.now() - armedAt, e.message);
		}
	};
	return { judged: judge() };
}
