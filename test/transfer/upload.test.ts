/**
 * The upload protocol against an upload node that stops answering: mid-body, after the body, after
 * storing the file, on end.pl, and a source that stops giving bytes. Each is given up after the
 * transfer timeouts (shortened here, transfer/timeouts.ts), and end.pl still decides whether the
 * file was stored before anything is sent again. Both ways out: Node's http client (direct) and
 * n8n's request helper (through a proxy).
 */
import { Container } from '@n8n/di';
import { Logger } from '@n8n/backend-common';
import type { IExecuteFunctions } from 'n8n-workflow';
import { Readable } from 'stream';

import { clearListingGateForTesting } from '../../nodes/OneFichier/pacing/listingGate';
import type { UploadSource } from '../../nodes/OneFichier/transfer/upload';
import { uploadFile } from '../../nodes/OneFichier/transfer/upload';
import { useTransferTimeoutsForTesting } from '../../nodes/OneFichier/transfer/timeouts';
import { createApiContext } from '../helpers/n8n';
import { scaledRateLimits, useTestSimulator } from '../helpers/simulator';
import type { UploadNodeFront } from '../helpers/uploadNodeFront';
import { startUploadNodeFront } from '../helpers/uploadNodeFront';

const FAKE_KEY = 'FAKE-KEY-for-upload-tests-0000000';
const MiB = 1024 * 1024;
/** Past every buffer between the file and the node's socket: the ring (16 MiB) and the kernel's. */
const LARGE = 64 * MiB;
/**
 * Shortened so the tests do not wait the production ones (1 min, 5 min, 1 min), yet long enough
 * that a loaded machine's pauses in a healthy transfer are not taken for stalls.
 */
const TIMEOUTS = { connectMs: 5000, idleMs: 2500, endPlMs: 2500 };
/** A test that hangs fails here instead of holding the suite. */
const BOUNDED_MS = 60_000;

const sim = useTestSimulator({ keys: [FAKE_KEY] });
let front: UploadNodeFront;
let restoreTimeouts: () => void;
let warnings: jest.SpyInstance;
let infos: jest.SpyInstance;

beforeAll(async () => {
	front = await startUploadNodeFront(sim());
	restoreTimeouts = useTransferTimeoutsForTesting(TIMEOUTS);
});
afterAll(async () => {
	restoreTimeouts();
	await front.close();
});
beforeEach(() => {
	front.reset();
	clearListingGateForTesting();
	warnings = jest.spyOn(Container.get(Logger), 'warn');
	infos = jest.spyOn(Container.get(Logger), 'info');
});
afterEach(() => {
	warnings.mockRestore();
	infos.mockRestore();
});

let proxied = false;

/**
 * A node context: directly, the front is the API host and so the upload node; as the proxy, every
 * call goes through it to the simulator.
 */
function context(rateLimits: Record<string, number> = {}): IExecuteFunctions {
	const baseUrl = proxied ? sim().baseUrl : front.baseUrl;
	const ctx = createApiContext({ apiKey: FAKE_KEY, baseUrl }, { rateLimits: { ...scaledRateLimits(), ...rateLimits } });
	// As in an execution, whose cancel signal n8n's authenticated helper uses over any other.
	const execution = new AbortController();
	return Object.assign(ctx, { getExecutionCancelSignal: () => execution.signal }) as unknown as IExecuteFunctions;
}

const options = { folderId: 0, itemIndex: 0, listingIntervalMs: 30_000 * 0.02 };

function bufferSource(fileName: string, content: Buffer): UploadSource {
	return { fileName, size: content.length, open: async () => Readable.from([content]) };
}

/** `size` bytes made on the fly (nothing held), or only the first `stallAfter` of them, then silence. */
function generatedSource(fileName: string, size: number, stallAfter?: number): UploadSource {
	const chunk = Buffer.alloc(MiB, 0x5a);
	return {
		fileName,
		size,
		open: async () => {
			let sent = 0;
			return new Readable({
				read() {
					const limit = stallAfter ?? size;
					if (sent >= limit) {
						if (sent >= size) this.push(null);
						return;
					}
					const length = Math.min(chunk.length, limit - sent);
					sent += length;
					this.push(chunk.subarray(0, length));
				},
			});
		},
	};
}

const posts = () => front.seen.filter((entry) => entry === 'POST /upload.cgi').length;
const logged = (spy: jest.SpyInstance) => spy.mock.calls.map(([message]) => String(message));

describe.each([
	['directly (Node http)', false],
	['through a proxy (n8n\'s helper)', true],
])('an upload node that stops answering, %s', (_way, throughProxy) => {
	beforeAll(() => {
		proxied = throughProxy;
		if (proxied) process.env.HTTP_PROXY = front.proxyUrl;
	});
	afterAll(() => {
		proxied = false;
		delete process.env.HTTP_PROXY;
	});

	it('after taking the whole body: the POST is given up, end.pl knows no file, the file is sent again', async () => {
		front.uploadFaults.push('answerNever');
		const content = Buffer.alloc(2 * MiB, 7);
		const stored = await uploadFile(context(), bufferSource('after-body.bin', content), options);
		expect(sim().state.readFile(stored.url).equals(content)).toBe(true);
		expect(sim().state.listFiles(0)).toHaveLength(1);
		expect(posts()).toBeGreaterThanOrEqual(2);
		expect(logged(warnings)).toContainEqual(
			expect.stringContaining('upload of "after-body.bin" failed (the upload node stopped answering: no progress for 2.5 s); attempt 1 of 3'),
		);
		// The unanswered request was closed, not left open.
		expect(front.abandonedByClient).toBe(1);
	}, BOUNDED_MS);

	it('after storing the file: end.pl names it, and nothing is sent again', async () => {
		front.uploadFaults.push('storeThenAnswerNever');
		const content = Buffer.alloc(2 * MiB, 8);
		const stored = await uploadFile(context(), bufferSource('stored-anyway.bin', content), options);
		expect(sim().state.readFile(stored.url).equals(content)).toBe(true);
		expect(posts()).toBe(1);
		expect(sim().state.listFiles(0).map((file) => file.filename)).toEqual(['stored-anyway.bin']);
	}, BOUNDED_MS);

	it('mid-body (it stops reading): the clear error after every attempt stalled, nothing stored', async () => {
		front.alwaysUpload = 'stopReading';
		const upload = uploadFile(context(), generatedSource('mid-body.bin', LARGE), options);
		await expect(upload).rejects.toThrow('Could not upload the file: the upload node stopped answering: no progress for 2.5 s');
		expect(posts()).toBe(3);
		expect(sim().state.listFiles(0)).toEqual([]);
	}, BOUNDED_MS);

	it('a source that stops giving bytes is given up too, and named', async () => {
		const upload = uploadFile(context(), generatedSource('stalled-source.bin', 8 * MiB, 3 * MiB), options);
		await expect(upload).rejects.toThrow('Could not upload the file: reading "stalled-source.bin" stalled: the file\'s source gave no bytes for 2.5 s');
		expect(sim().state.listFiles(0)).toEqual([]);
	}, BOUNDED_MS);

	it('on end.pl once: end.pl is asked again and names the file', async () => {
		front.endPlFaults.push('answerNever');
		const content = Buffer.alloc(2 * MiB, 9);
		const stored = await uploadFile(context(), bufferSource('end-once.bin', content), options);
		expect(sim().state.readFile(stored.url).equals(content)).toBe(true);
		expect(posts()).toBe(1);
		expect(front.seen.filter((entry) => entry === 'GET /end.pl').length).toBeGreaterThanOrEqual(2);
		expect(logged(infos)).toContainEqual(expect.stringContaining('end.pl answered no answer: end.pl stopped answering: no answer within 2.5 s'));
	}, BOUNDED_MS);

	it('on end.pl always: the wait ends within Max Wait on Rate Limits and the folder shows the file', async () => {
		front.alwaysEndPl = 'answerNever';
		const content = Buffer.alloc(2 * MiB, 10);
		const stored = await uploadFile(context({ maxRetryWaitSeconds: 0.5 }), bufferSource('end-never.bin', content), options);
		expect(sim().state.readFile(stored.url).equals(content)).toBe(true);
		expect(posts()).toBe(1);
		expect(logged(warnings)).toContainEqual(expect.stringContaining('end.pl never confirmed "end-never.bin"'));
	}, BOUNDED_MS);
});
