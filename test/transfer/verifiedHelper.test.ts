/**
 * Verified transfers as real n8n workflows (n8n-core, the simulator) with the Whirlpool in a helper
 * process, as in an n8n started without OpenSSL's legacy provider: a cancelled execution ends the
 * helper of its transfer, and a helper killed in the middle of an upload costs that attempt, not
 * the file (the upload is sent again, hashed by a fresh helper, and verified). A download's stream
 * ends its tap the same way (test/transfer/whirlpoolProcess.test.ts, "a transfer whose stream is
 * destroyed"); the simulator cannot hold a download in the middle of its bytes to cancel it there.
 */
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

import { useWhirlpoolChoiceForTesting, whirlpoolEngineName } from '../../nodes/OneFichier/transfer/whirlpool';
import { helpersForTesting, stopIdleHelpersForTesting } from '../../nodes/OneFichier/transfer/whirlpoolWorker';
import { runNode } from '../helpers/n8n';
import { useTestSimulator } from '../helpers/simulator';
import { opensslWhirlpool } from '../helpers/whirlpool';

const MiB = 1024 * 1024;
const rl = (mode: string, value: string) => ({ __rl: true, mode, value });
const upload = { resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: rl('id', '0') };

const simulator = useTestSimulator();
const dir = mkdtempSync(path.join(tmpdir(), 'verified-helper-'));

beforeAll(async () => {
	useWhirlpoolChoiceForTesting();
	expect(await whirlpoolEngineName()).toBe('helper process');
});
beforeEach(async () => await stopIdleHelpersForTesting());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileItem(name: string, content: Buffer) {
	const file = path.join(dir, `${Date.now()}-${name}`);
	writeFileSync(file, content);
	return [{ files: [{ path: file, fileName: name }] }];
}

/** Whether the process exists, a zombie included: a helper this process started must also be reaped. */
function exists(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

/** The pid of the helper hashing the transfer, once it does. */
async function workingHelper(): Promise<number> {
	const working = () => helpersForTesting().filter((helper) => helper.state === 'working');
	await until(() => working().length === 1, 'a helper at work on the transfer');
	return working()[0].pid;
}

it('a cancelled verified upload ends the helper of its transfer', async () => {
	// upload.cgi answers 3 s late: the transfer is in the middle of its bytes when it is cancelled.
	simulator().faults.add({ match: 'upload.cgi', kind: 'slow', delayMs: 3000 });
	let pid = 0;
	const result = await runNode(simulator(), upload, {
		items: fileItem('cancelled.bin', randomBytes(20 * MiB)),
		onStart: (cancel) =>
			void workingHelper().then((found) => {
				pid = found;
				cancel();
			}),
	});
	expect(result.items).toEqual([]);
	expect(pid).toBeGreaterThan(0);
	await until(() => !exists(pid), 'the helper of the cancelled upload is gone', 5000);
});

it('a helper killed in the middle of an upload costs that attempt: the file is sent again and verified', async () => {
	simulator().faults.add({ match: 'upload.cgi', kind: 'slow', delayMs: 1500 });
	const content = randomBytes(20 * MiB + 3);
	let killed = 0;
	void workingHelper().then((pid) => {
		killed = pid;
		process.kill(pid, 'SIGKILL');
	});
	const result = await runNode(simulator(), upload, { items: fileItem('killed.bin', content) });
	expect(killed).toBeGreaterThan(0);
	expect(result.error).toBeUndefined();
	expect(result.items[0].json).toMatchObject({ verified: true, checksum: opensslWhirlpool(content), size: content.length });
	expect(simulator().stats.byEndpoint['upload/get_upload_server.cgi']).toBe(2);
	expect(simulator().state.listFiles(0).map((file) => file.filename)).toEqual(['killed.bin']);
});
