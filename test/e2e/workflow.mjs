// Builders for the e2e test workflows: Webhook → steps → last node, answered synchronously
// (responseMode lastNode), so one HTTP call runs a workflow in the real n8n and returns its output.
import crypto from 'node:crypto';

import { FICHIER } from '../../stack/n8n.mjs';

export const rl = (mode, value) => ({ __rl: true, mode, value });
/** An expression reading a field of the webhook's JSON body. */
export const body = (field) => `={{ $('Webhook').first().json.body.${field} }}`;

/** A 1fichier action node step. */
export function fichier(name, parameters, extra = {}) {
	return { name, type: FICHIER, typeVersion: 1, parameters, credentials: true, ...extra };
}

/** A Code node step (JavaScript, all items). */
export function code(name, jsCode) {
	return { name, type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode } };
}

/** Turns body.contentBase64 into the binary property `data` named body.filename. */
export function binaryFromBody(name = 'Make file') {
	return {
		name,
		type: 'n8n-nodes-base.convertToFile',
		typeVersion: 1.1,
		parameters: {
			operation: 'toBinary',
			sourceProperty: 'body.contentBase64',
			binaryPropertyName: 'data',
			options: { fileName: '={{ $json.body.filename }}', mimeType: 'text/plain' },
		},
	};
}

/** n8n's Read/Write Files from Disk node: reads `path` into the binary property `data` (streamed). */
export function readFromDisk(name, filePath) {
	return {
		name,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		parameters: { operation: 'read', fileSelector: filePath, options: { dataPropertyName: 'data' } },
	};
}

/** n8n's Read/Write Files from Disk node: writes the binary property `data` to `path` (streamed). */
export function writeToDisk(name, filePath) {
	return {
		name,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		parameters: { operation: 'write', fileName: filePath, dataPropertyName: 'data', options: {} },
	};
}

/** Exposes the binary property `data` as JSON (name, MIME type, base64 bytes). */
export const binaryToJson = () =>
	code(
		'Binary as JSON',
		`const out = [];
const items = $input.all();
for (let i = 0; i < items.length; i++) {
  const bin = items[i].binary?.data;
  const buf = bin ? await this.helpers.getBinaryDataBuffer(i, 'data') : null;
  out.push({ json: { ...items[i].json, binary: bin ? { fileName: bin.fileName, mimeType: bin.mimeType, base64: buf.toString('base64') } : null } });
}
return out;`,
	);

/**
 * A test workflow: Webhook (POST /webhook/<path>) → steps in a row. `credential` binds every
 * 1fichier node. `responseData` 'allEntries' answers with the last node's items as JSON.
 */
export function testWorkflow({ id, name, path, steps, credential, responseData = 'allEntries' }) {
	const nodes = [
		{
			id: crypto.randomUUID(),
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: crypto.randomUUID(),
			parameters: {
				httpMethod: 'POST',
				path,
				responseMode: 'lastNode',
				responseData,
				...(responseData === 'firstEntryBinary' ? { responseBinaryPropertyName: 'data' } : {}),
				options: {},
			},
		},
	];
	const connections = {};
	let previous = 'Webhook';
	steps.forEach((step, i) => {
		const { credentials, ...rest } = step;
		nodes.push({
			id: crypto.randomUUID(),
			position: [220 * (i + 1), 0],
			...rest,
			...(credentials ? { credentials: { oneFichierApi: { id: credential.id, name: credential.name } } } : {}),
		});
		connections[previous] = { main: [[{ node: step.name, type: 'main', index: 0 }]] };
		previous = step.name;
	});
	return { id, name, nodes, connections, active: false, settings: { executionOrder: 'v1' }, pinData: {} };
}

/**
 * Replaces an example's trigger (Schedule, Manual) by a Webhook answering with the last node's
 * output, leaving every other node as shipped.
 */
export function exampleAsWebhook(example, { id, path, responseData = 'allEntries' }) {
	const wf = structuredClone(example);
	const trigger = wf.nodes.find((n) => /Trigger$|manualTrigger$/.test(n.type));
	const oldName = trigger.name;
	Object.assign(trigger, {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: crypto.randomUUID(),
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'lastNode',
			responseData,
			...(responseData === 'firstEntryBinary' ? { responseBinaryPropertyName: 'data' } : {}),
			options: {},
		},
	});
	wf.connections.Webhook = wf.connections[oldName];
	delete wf.connections[oldName];
	wf.id = id;
	wf.name = `${wf.name} (e2e)`;
	return wf;
}
