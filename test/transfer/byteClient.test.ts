/**
 * The upload node receives the API key (upload.cgi's Authorization header, end.pl through the
 * credential). A node that echoes it back, in an error page, an error message or a link's name,
 * must not get it into any error, log line or output item: the byte client redacts whatever comes
 * from the node, as the API door does (api/errors.ts `redactSecrets`). Directly and through a proxy.
 */
import { Container } from '@n8n/di';
import { Logger } from '@n8n/backend-common';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

import type { IExecuteFunctions } from 'n8n-workflow';

import { sendBytes } from '../../nodes/OneFichier/transfer/byteClient';
import { clearListingGateForTesting } from '../../nodes/OneFichier/pacing/listingGate';
import type { RunResult } from '../helpers/n8n';
import { runNodeWith } from '../helpers/n8n';
import { useTestSimulator } from '../helpers/simulator';
import type { UploadNodeFront } from '../helpers/uploadNodeFront';
import { startUploadNodeFront } from '../helpers/uploadNodeFront';

const FAKE_KEY = 'FAKE-KEY-for-redaction-tests-00000';
const sim = useTestSimulator({ keys: [FAKE_KEY] });
let front: UploadNodeFront;
let logged: string[];
let spies: jest.SpyInstance[];
let proxied = false;

beforeAll(async () => {
	front = await startUploadNodeFront(sim());
});
afterAll(async () => {
	await front.close();
});
beforeEach(() => {
	front.reset();
	clearListingGateForTesting();
	logged = [];
	const logger = Container.get(Logger);
	spies = (['error', 'warn', 'info', 'debug'] as const).map((level) =>
		jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
			logged.push(JSON.stringify(args));
		}),
	);
});
afterEach(() => {
	for (const spy of spies) spy.mockRestore();
});

async function upload(fileName: string): Promise<RunResult> {
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'redaction-test-')), fileName);
	writeFileSync(file, Buffer.alloc(256 * 1024, 3));
	// Directly, the front is the API host and so the upload node; as the proxy, every call goes through it.
	const baseUrl = proxied ? sim().baseUrl : front.baseUrl;
	return await runNodeWith(
		{ apiKey: FAKE_KEY, baseUrl },
		{ resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: { __rl: true, mode: 'id', value: '0' } },
		{ items: [{ files: [{ path: file, fileName }] }] },
	);
}

/** Everything the run left: items, error (message, description, cause), and every log line. */
function everythingSaid(result: RunResult): string {
	const { error } = result;
	const errorParts = error ? [error.message, error.description, JSON.stringify(error), JSON.stringify((error as { cause?: unknown }).cause)] : [];
	return [JSON.stringify(result.items), JSON.stringify(result.run.data.resultData), ...errorParts, ...logged].join('\n');
}

describe.each([
	['directly (Node http)', false],
	['through a proxy (n8n\'s helper)', true],
])('an upload node that echoes the key, %s', (_way, throughProxy) => {
	beforeAll(() => {
		proxied = throughProxy;
		if (proxied) process.env.HTTP_PROXY = front.proxyUrl;
	});
	afterAll(() => {
		proxied = false;
		delete process.env.HTTP_PROXY;
	});

	it('in upload.cgi\'s error page: the error and the logs say what the page said, without the key', async () => {
		front.alwaysUpload = 'echoKey';
		const result = await upload('echoed-by-upload.bin');
		expect(result.error?.message).toBe('Could not upload the file: 1fichier answered HTTP 500');
		expect(result.error?.description).toContain('1fichier answered "Internal error Request headers: Authorization: Bearer [redacted] key=[redacted]');
		expect(result.error?.description).toContain('(upload.cgi, HTTP 500)');
		expect(logged.join('\n')).toContain('key=[redacted]');
		expect(everythingSaid(result)).not.toContain(FAKE_KEY);
	});

	it('in end.pl\'s error message: the upload is found in the folder, the log line has no key', async () => {
		front.alwaysEndPl = 'echoKey';
		const result = await upload('echoed-by-end.bin');
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.filename).toBe('echoed-by-end.bin');
		expect(logged.join('\n')).toContain('Resource not allowed for key [redacted] (Bearer [redacted])');
		expect(everythingSaid(result)).not.toContain(FAKE_KEY);
	});

	it('in the link end.pl names: the output item has no key', async () => {
		front.alwaysEndPl = 'echoKeyInLink';
		const result = await upload('echoed-in-link.bin');
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.filename).toBe('echoed-in-link.bin [redacted]');
		expect(everythingSaid(result)).not.toContain(FAKE_KEY);
	});
});

describe('the upload node over plain HTTP', () => {
	it('never gets the key in clear when it is not on this machine, even with a loopback Base URL', async () => {
		const credentials = { apiKey: FAKE_KEY, baseUrl: 'http://127.0.0.1:9/v1' };
		const ctx = {
			getCredentials: async () => credentials,
			getNode: () => ({ name: '1fichier', type: 'n8n-nodes-1fichier.oneFichier' }),
			getExecutionCancelSignal: () => undefined,
		} as unknown as IExecuteFunctions;
		const error = await sendBytes(ctx, {
			method: 'POST',
			url: 'http://up2.1fichier.invalid/upload.cgi?id=abc',
			headers: {},
			authenticated: true,
		}).catch((caught: unknown) => caught as Error);
		expect((error as Error).message).toContain('The 1fichier API key was not sent to the upload node');
		expect((error as Error).message).toContain('plain HTTP');
	});
});
