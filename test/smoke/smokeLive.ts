/**
 * Live smoke test: `ONEFICHIER_API_KEY=… npm run smoke:live`. Drives the node's own operations
 * (n8n-core's engine in-process, the same runner as the workflow tests) against the real 1fichier,
 * or any compatible server given in ONEFICHIER_BASE_URL, inside one new uniquely named folder that
 * it deletes at the end whatever happened. One line per step; last line `smoke: N passed, M failed`.
 *
 * Pacing: one API call per second (1fichier documents 3), user/info once (1fichier allows one per
 * five minutes per user: do not run it twice within five minutes), one listing of the new folder
 * (one per 30 s is allowed). ONEFICHIER_SMOKE_REMOTE_URL adds a remote upload of that small public
 * URL. ONEFICHIER_SMOKE_TIME_SCALE (tests only) shortens every wait, for a simulator running with
 * the same time scale. It lives beside its test (smokeLive.test.ts runs it against the simulator) and
 * the runner it shares with the workflow tests (test/helpers/n8n.ts); tsconfig.tools.json compiles it
 * to build/test/smoke/smokeLive.js for `npm run smoke:live`.
 */
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { TestItem } from '../helpers/n8n';
import { readBinary, runNodeWith } from '../helpers/n8n';

export interface SmokeOptions {
	apiKey?: string;
	baseUrl?: string;
	remoteUrl?: string;
	/** 1 against the real service; the simulator's time scale against a simulator. */
	timeScale?: number;
	log?: (line: string) => void;
}

export interface SmokeResult {
	passed: number;
	failed: number;
	/** False when it refused to run (no key). */
	ran: boolean;
}

const DEFAULT_BASE_URL = 'https://api.1fichier.com/v1';
const rl = (mode: string, value: string | number) => ({ __rl: true, mode, value: String(value) });

/** A failed step: its own message, with 1fichier's answer when there is one. */
class StepFailure extends Error {}

export async function runSmoke(options: SmokeOptions): Promise<SmokeResult> {
	const log = options.log ?? ((line: string) => console.log(line));
	const apiKey = (options.apiKey ?? '').trim();
	if (apiKey === '') {
		log('smoke: ONEFICHIER_API_KEY is not set, nothing was run. Set it to a 1fichier API key (Premium or Access) to run the live smoke test.');
		return { passed: 0, failed: 0, ran: false };
	}
	const scale = options.timeScale ?? 1;
	const credential = { apiKey, baseUrl: options.baseUrl || DEFAULT_BASE_URL };
	// Anything printed goes through this, so not even an echo of the key can reach the terminal.
	const say = (line: string) => log(line.split(apiKey).join('[redacted]'));
	const rateLimits = { requestSpacingMs: Math.ceil(1000 * scale), floodWaitSeconds: 30 * scale, maxRetryWaitSeconds: 300 * scale };
	const listingIntervalSeconds = 30 * scale;
	const workDir = mkdtempSync(path.join(tmpdir(), 'smoke-live-'));
	const content = Buffer.concat([Buffer.from('n8n-nodes-1fichier live smoke test\n'), randomBytes(1024)]);
	const folderName = `n8n-smoke-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
	let passed = 0;
	let failed = 0;

	async function node(parameters: INodeParameters, items?: TestItem[]): Promise<IDataObject> {
		const result = await runNodeWith(credential, parameters, { rateLimits, items });
		if (result.error) {
			const detail = result.error.description ? ` (${result.error.description})` : '';
			throw new StepFailure(`${result.error.message}${detail}`);
		}
		return result.items[0]?.json ?? {};
	}

	async function step<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
		const started = Date.now();
		const seconds = () => ((Date.now() - started) / 1000).toFixed(2);
		try {
			const value = await run();
			passed++;
			say(`ok   ${name} (${seconds()} s)`);
			return value;
		} catch (error) {
			failed++;
			say(`FAIL ${name} (${seconds()} s): ${(error as Error).message}`);
			return undefined;
		}
	}

	function skip(name: string, because: string): void {
		failed++;
		say(`FAIL ${name} (skipped: ${because})`);
	}

	const check = (ok: boolean, what: string) => {
		if (!ok) throw new StepFailure(what);
	};

	let folderId: number | undefined;
	async function runSteps(): Promise<void> {
		await step('account info', async () => {
			const account = await node({ resource: 'account', operation: 'get' });
			check(account.email !== undefined || account.offer !== undefined, `unexpected answer ${JSON.stringify(account)}`);
		});
		folderId = await step(`create folder "${folderName}"`, async () => {
			const folder = await node({ resource: 'folder', operation: 'create', name: folderName, parentFolder: rl('id', 0) });
			check(typeof folder.id === 'number' && folder.created === true, `unexpected answer ${JSON.stringify(folder)}`);
			return folder.id as number;
		});
		if (folderId === undefined) return skip('the other steps', 'the folder could not be created');
		const inFolder = rl('id', folderId);
		const destinationId = await step('create sub-folder "dest"', async () => {
			const folder = await node({ resource: 'folder', operation: 'create', name: 'dest', parentFolder: inFolder });
			return folder.id as number;
		});

		const filePath = path.join(workDir, 'smoke.txt');
		writeFileSync(filePath, content);
		const uploaded = await step(`upload ${content.length} bytes`, async () => {
			const file = await node(
				{ resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: inFolder },
				[{ files: [{ path: filePath, fileName: 'smoke.txt', mimeType: 'text/plain' }] }],
			);
			check(file.size === content.length, `stored ${String(file.size)} bytes of ${content.length}`);
			return String(file.url);
		});
		if (uploaded === undefined) return skip('the file steps', 'the upload failed');
		// Whether a link changes on a move is not documented: later steps use the latest one.
		let file = rl('url', uploaded);

		await step('get', async () => {
			const info = await node({ resource: 'file', operation: 'get', file });
			check(info.filename === 'smoke.txt' && info.size === content.length, `unexpected answer ${JSON.stringify(info)}`);
		});
		await step('list', async () => {
			const listed = await runNodeWith(
				credential,
				{ resource: 'file', operation: 'getMany', folder: inFolder, returnAll: true, options: { listingIntervalSeconds } },
				{ rateLimits },
			);
			if (listed.error) throw new StepFailure(listed.error.message);
			check(listed.items.some((item) => item.json.url === uploaded), 'the uploaded file is not in the listing');
		});
		await step('get link and fetch its bytes', async () => {
			const link = await node({ resource: 'file', operation: 'getLink', file });
			const response = await fetch(String(link.downloadUrl));
			check(response.ok, `the link answered HTTP ${response.status}`);
			check(Buffer.from(await response.arrayBuffer()).equals(content), 'the link served other bytes');
		});
		await step('rename', async () => {
			const renamed = await node({ resource: 'file', operation: 'rename', file, newName: 'smoke-renamed.txt' });
			check(renamed.filename === 'smoke-renamed.txt', `unexpected answer ${JSON.stringify(renamed)}`);
		});
		if (destinationId === undefined) {
			skip('copy, move', 'the sub-folder could not be created');
		} else {
			const destination = rl('id', destinationId);
			await step('copy', async () => {
				const copied = await node({ resource: 'file', operation: 'copy', file, destinationFolder: destination, options: { newName: 'smoke-copy.txt' } });
				check(typeof copied.url === 'string' && copied.url !== uploaded, `unexpected answer ${JSON.stringify(copied)}`);
			});
			await step('move', async () => {
				const moved = await node({ resource: 'file', operation: 'move', file, destinationFolder: destination });
				check(moved.folderId === destinationId, `unexpected answer ${JSON.stringify(moved)}`);
				file = rl('url', String(moved.url));
			});
		}
		await step('download and compare', async () => {
			const result = await runNodeWith(credential, { resource: 'file', operation: 'download', file, binaryPropertyName: 'data' }, { rateLimits });
			if (result.error) throw new StepFailure(result.error.message);
			const binary = result.items[0]?.binary?.data;
			check(binary !== undefined && (await readBinary(binary)).equals(content), 'the downloaded bytes differ from the uploaded ones');
		});
		if (options.remoteUrl) {
			await step(`remote upload of ${options.remoteUrl}`, async () => {
				const request = await node({
					resource: 'remoteUpload',
					operation: 'create',
					urls: options.remoteUrl,
					folder: inFolder,
					options: { waitForCompletion: true, timeout: 600 * scale, pollIntervalSeconds: 5 * scale },
				});
				const results = (request.results as IDataObject[] | undefined) ?? [];
				check(results.length === 1 && results[0].status === 'done', `unexpected answer ${JSON.stringify(request)}`);
			});
		}
	}

	try {
		await runSteps();
	} finally {
		if (folderId !== undefined) {
			await step(`delete folder "${folderName}" and everything in it`, async () => {
				const deleted = await node({ resource: 'folder', operation: 'delete', folder: rl('id', folderId!), options: { deleteContents: true } });
				check(deleted.deleted === true, `unexpected answer ${JSON.stringify(deleted)}`);
			});
		}
		rmSync(workDir, { recursive: true, force: true });
		say(`smoke: ${passed} passed, ${failed} failed`);
	}
	return { passed, failed, ran: true };
}

if (require.main === module) {
	runSmoke({
		apiKey: process.env.ONEFICHIER_API_KEY,
		baseUrl: process.env.ONEFICHIER_BASE_URL,
		remoteUrl: process.env.ONEFICHIER_SMOKE_REMOTE_URL,
		timeScale: process.env.ONEFICHIER_SMOKE_TIME_SCALE ? Number(process.env.ONEFICHIER_SMOKE_TIME_SCALE) : 1,
	}).then(
		(result) => process.exit(result.failed > 0 ? 1 : 0),
		(error: Error) => {
			console.error(`smoke: ${error.message}`);
			process.exit(1);
		},
	);
}
