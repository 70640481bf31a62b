// The benchmark's workflows: each one a Manual Trigger followed by the steps of one row. `timed`
// names the nodes whose executionTime is the row's time, `api` the nodes that are API calls around
// the transfer (their time is the allowance the node gets on top of the floor).
import crypto from 'node:crypto';

import { FICHIER } from '../stack/n8n.mjs';

const HTTP_REQUEST = { type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2 };

function workflow(id, name, steps) {
	const nodes = [
		{ id: crypto.randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
	];
	const connections = {};
	let previous = 'Start';
	steps.forEach((step, index) => {
		nodes.push({ id: crypto.randomUUID(), position: [220 * (index + 1), 0], ...step });
		connections[previous] = { main: [[{ node: step.name, type: 'main', index: 0 }]] };
		previous = step.name;
	});
	return { id, name, nodes, connections, active: false, settings: { executionOrder: 'v1' }, pinData: {} };
}

const readFile = (name, file) => ({
	name,
	type: 'n8n-nodes-base.readWriteFile',
	typeVersion: 1.1,
	parameters: { operation: 'read', fileSelector: file, options: {} },
});

const writeFile = (name, file) => ({
	name,
	type: 'n8n-nodes-base.readWriteFile',
	typeVersion: 1.1,
	parameters: { operation: 'write', fileName: file, dataPropertyName: 'data', options: {} },
});

/** The floor: n8n's store and the node's buffers without HTTP (bench/floor-node). */
const benchFloor = (name, direction, file) => ({
	name,
	type: 'n8n-nodes-bench-floor.benchFloor',
	typeVersion: 1,
	parameters: { direction, file },
});

const fichier = (name, parameters, credential) => ({
	name,
	type: FICHIER,
	typeVersion: 1,
	parameters,
	credentials: { oneFichierApi: { id: credential.id, name: credential.name } },
});

/** An HTTP Request node; `authenticated` signs it with the 1fichier credential (Bearer key). */
const httpRequest = (name, parameters, credential, authenticated = true) => ({
	name,
	...HTTP_REQUEST,
	parameters: authenticated
		? { authentication: 'predefinedCredentialType', nodeCredentialType: 'oneFichierApi', ...parameters }
		: parameters,
	...(authenticated ? { credentials: { oneFichierApi: { id: credential.id, name: credential.name } } } : {}),
});

const jsonPost = (url, body) => ({
	method: 'POST',
	url,
	sendBody: true,
	specifyBody: 'json',
	jsonBody: JSON.stringify(body),
	options: {},
});

/**
 * Every row's workflow for one size. `sourceFile` is the bench file on disk, `sourceUrl` the same
 * bytes stored in the simulator (what the downloads fetch), `outFile` where the floor writes.
 */
export function rowWorkflows({ mib, sourceFile, sourceUrl, outFile, apiBase, credential }) {
	const id = (row) => `bench${row.replace(/-/g, '')}${mib}`;
	const serverNode = "$('get_upload_server').item.json";
	const verifyName = (verify) => (verify ? 'verified' : 'unverified');
	const nodeUpload = (verify) => ({
		workflow: workflow(id(verify ? 'nodev-up' : 'node-up'), `bench ${mib} MiB: the node, upload, ${verifyName(verify)}`, [
			readFile('Read file', sourceFile),
			fichier(
				'1fichier',
				{
					resource: 'file',
					operation: 'upload',
					binaryPropertyName: 'data',
					folder: { __rl: true, mode: 'id', value: '0' },
					options: { verifyChecksum: verify },
				},
				credential,
			),
		]),
		timed: ['1fichier'],
	});
	const nodeDownload = (verify) => ({
		workflow: workflow(id(verify ? 'nodev-down' : 'node-down'), `bench ${mib} MiB: the node, download, ${verifyName(verify)}`, [
			fichier(
				'1fichier',
				{
					resource: 'file',
					operation: 'download',
					file: { __rl: true, mode: 'url', value: sourceUrl },
					binaryPropertyName: 'data',
					options: { verifyChecksum: verify },
				},
				credential,
			),
		]),
		timed: ['1fichier'],
	});
	return {
		baseline: {
			workflow: workflow('benchbaseline', 'bench: baseline (no transfer)', [
				{ name: 'Nothing', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
			]),
			timed: [],
		},
		'store-up': {
			workflow: workflow(id('store-up'), `bench ${mib} MiB: floor, out of the store`, [
				readFile('Read file', sourceFile),
				benchFloor('Out of the store', 'out', outFile),
			]),
			timed: ['Out of the store'],
		},
		'store-down': {
			workflow: workflow(id('store-down'), `bench ${mib} MiB: floor, into the store`, [benchFloor('Into the store', 'into', sourceFile)]),
			timed: ['Into the store'],
		},
		'files-up': {
			workflow: workflow(id('files-up'), `bench ${mib} MiB: Read/Write Files, out of the store`, [
				readFile('Read file', sourceFile),
				writeFile('Write file', outFile),
			]),
			timed: ['Write file'],
		},
		'files-down': {
			workflow: workflow(id('files-down'), `bench ${mib} MiB: Read/Write Files, into the store`, [readFile('Read file', sourceFile)]),
			timed: ['Read file'],
		},
		'hash': {
			workflow: workflow(id('hash'), `bench ${mib} MiB: Whirlpool of the stored binary alone`, [
				readFile('Read file', sourceFile),
				benchFloor('Hash', 'hash', ''),
			]),
			timed: ['Hash'],
		},
		'node-up': nodeUpload(false),
		'nodev-up': nodeUpload(true),
		'node-down': nodeDownload(false),
		'nodev-down': nodeDownload(true),
		'http-up': {
			// The upload id is read before the file, so the binary reaches the POST as its input item.
			workflow: workflow(id('http-up'), `bench ${mib} MiB: HTTP Request node, upload`, [
				httpRequest('get_upload_server', jsonPost(`${apiBase}/upload/get_upload_server.cgi`, {}), credential),
				readFile('Read file', sourceFile),
				httpRequest(
					'upload.cgi',
					{
						method: 'POST',
						url: `=http://{{ ${serverNode}.url }}/upload.cgi?id={{ ${serverNode}.id }}`,
						sendBody: true,
						contentType: 'multipart-form-data',
						bodyParameters: {
							parameters: [
								{ parameterType: 'formData', name: 'did', value: '0' },
								{ parameterType: 'formBinaryData', name: 'file[]', inputDataFieldName: 'data' },
							],
						},
						// upload.cgi answers 302 to end.pl; end.pl is asked separately, with `JSON: 1`.
						options: { redirect: { redirect: { followRedirects: false } }, response: { response: { neverError: true } } },
					},
					credential,
				),
				httpRequest(
					'end.pl',
					{
						method: 'GET',
						url: `=http://{{ ${serverNode}.url }}/end.pl?xid={{ ${serverNode}.id }}`,
						sendHeaders: true,
						headerParameters: { parameters: [{ name: 'JSON', value: '1' }] },
						options: {},
					},
					credential,
				),
			]),
			timed: ['get_upload_server', 'upload.cgi', 'end.pl'],
			api: ['get_upload_server', 'end.pl'],
		},
		'http-down': {
			workflow: workflow(id('http-down'), `bench ${mib} MiB: HTTP Request node, download`, [
				httpRequest('get_token', jsonPost(`${apiBase}/download/get_token.cgi`, { url: sourceUrl, single: 1 }), credential),
				httpRequest(
					'GET file',
					{ method: 'GET', url: '={{ $json.url }}', options: { response: { response: { responseFormat: 'file', outputPropertyName: 'data' } } } },
					credential,
					false,
				),
			]),
			timed: ['get_token', 'GET file'],
			api: ['get_token'],
		},
	};
}

/** The URL and size of the file a row uploaded, read from its output. */
export function uploadedFile(row, runData) {
	const output = (name) => runData[name]?.[0]?.data?.main?.[0]?.[0]?.json;
	if (row === 'node-up' || row === 'nodev-up') return { url: output('1fichier')?.url, size: Number(output('1fichier')?.size) };
	if (row === 'http-up') {
		const link = output('end.pl')?.links?.[0];
		return { url: link?.download, size: Number(link?.size) };
	}
	return undefined;
}

/** Whether the node's item says its transfer was verified by 1fichier's checksum. */
export function nodeVerified(runData) {
	return runData['1fichier']?.[0]?.data?.main?.[0]?.[0]?.json?.verified === true;
}

/** The size of the binary a row put into n8n's store. */
export function downloadedBytes(row, runData) {
	const name = { 'node-down': '1fichier', 'nodev-down': '1fichier', 'http-down': 'GET file', 'files-down': 'Read file', 'store-down': 'Into the store' }[row];
	const binary = name && runData[name]?.[0]?.data?.main?.[0]?.[0]?.binary?.data;
	return binary ? Number(binary.bytes) : undefined;
}
