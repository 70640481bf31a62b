// The queue suite's workflows, each started by its webhook (`/webhook/<id or path>`).
import { SIM_CREDENTIAL, bindCredential, loadExamples } from '../../../stack/instance.mjs';
import { body, code, fichier, readFromDisk, rl, testWorkflow, writeToDisk } from '../workflow.mjs';

const itemsFromBody = (field) => code('Items', `return $('Webhook').first().json.body.${field}.map((entry) => ({ json: entry }));`);

/** One get-link call per entry of body.files (`{ url }`). */
export function linksWorkflow(id, rateLimits) {
	return testWorkflow({
		id,
		name: `queue: ${id}`,
		path: id,
		credential: SIM_CREDENTIAL,
		steps: [
			itemsFromBody('files'),
			fichier('Get links', { resource: 'file', operation: 'getLink', file: rl('url', '={{ $json.url }}'), ...(rateLimits ? { rateLimits } : {}) }),
		],
	});
}

/** body.files (`{ filename, contentBase64 }`) made into binaries and uploaded to queue/uploads. */
export const uploadWorkflow = () =>
	testWorkflow({
		id: 'queueUpload',
		name: 'queue: batch upload',
		path: 'queue-upload',
		credential: SIM_CREDENTIAL,
		steps: [
			itemsFromBody('files'),
			{
				name: 'Make files',
				type: 'n8n-nodes-base.convertToFile',
				typeVersion: 1.1,
				parameters: {
					operation: 'toBinary',
					sourceProperty: 'contentBase64',
					binaryPropertyName: 'data',
					options: { fileName: '={{ $json.filename }}', mimeType: 'application/octet-stream' },
				},
			},
			fichier('Upload', { resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: rl('path', 'queue/uploads') }),
		],
	});

/** Downloads body.url into n8n's binary store and writes it to body.written with Read/Write Files. */
export const downloadWorkflow = () =>
	testWorkflow({
		id: 'queueDownload',
		name: 'queue: download, written to disk',
		path: 'queue-download',
		credential: SIM_CREDENTIAL,
		steps: [
			fichier('Download', { resource: 'file', operation: 'download', file: rl('url', body('url')), binaryPropertyName: 'data' }),
			writeToDisk('Write', body('written')),
			code('Summary', `return [{ json: { download: $('Download').first().json, binaryId: $('Download').first().binary.data.id ?? null } }];`),
		],
	});

/** A restore drill: body.source read from disk, uploaded, downloaded again, written to body.restored. */
export const roundTripWorkflow = () =>
	testWorkflow({
		id: 'queueRoundTrip',
		name: 'queue: upload, download, write to disk',
		path: 'queue-round-trip',
		credential: SIM_CREDENTIAL,
		steps: [
			readFromDisk('Read', body('source')),
			fichier('Upload', { resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: rl('path', 'queue/restore'), options: {} }),
			fichier('Download', { resource: 'file', operation: 'download', file: rl('url', '={{ $json.url }}'), binaryPropertyName: 'data', options: {} }),
			writeToDisk('Write', body('restored')),
			code('Summary', `return [{ json: { upload: $('Upload').first().json, download: $('Download').first().json } }];`),
		],
	});

/** The file-landed example, watching queue/incoming. */
export function triggerWorkflow() {
	const example = loadExamples().find((e) => e.file === 'file-landed-notification.json');
	const wf = bindCredential(example.workflow, SIM_CREDENTIAL);
	wf.id = 'queueTrigger';
	wf.name = 'queue: file landed';
	wf.active = false;
	wf.nodes.find((n) => n.type.endsWith('.oneFichierTrigger')).parameters.folder = rl('path', 'queue/incoming');
	return wf;
}
