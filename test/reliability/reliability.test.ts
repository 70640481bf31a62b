/**
 * Every fault, refusal and bad input the node is tried against, each as a real n8n workflow
 * (in-process) against the simulator: what the node does, how many API calls it made, how long it
 * took, and whether an upload stored its file exactly once. Then a 64 MiB download into each kind
 * of n8n binary data store, verified and written back out of the store intact. The last test checks
 * the table of docs/reliability.md against these results; `npm run reliability:update` rewrites
 * that table.
 */
import { Container } from '@n8n/di';
import { createHash, randomBytes } from 'crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { BinaryDataService } from 'n8n-core';
import type { INodeParameters } from 'n8n-workflow';
import { tmpdir } from 'os';
import path from 'path';
import { pipeline } from 'stream/promises';

import { resetPacersForTesting } from '../../nodes/OneFichier/pacing/pacers';
import type { Fault } from '../../simulator';
import { REFUSAL_ANSWERS } from '../../simulator';
import { ChunkKeepingStore, useBinaryStore } from '../helpers/binaryStores';
import type { RunResult, TestItem } from '../helpers/n8n';
import { runNode } from '../helpers/n8n';
import type { Simulator } from '../helpers/simulator';
import { resetSimulator, startTestSimulator, TEST_TIME_SCALE } from '../helpers/simulator';
import { renderTable, replaceTable, TABLE_DOC_PATH, tableOf, type ReliabilityRow } from './table';

const rl = (mode: string, value: string) => ({ __rl: true, mode, value });
const GOOD_KEY = 'RELIABILITY-FAKE-KEY-00000000000';
const CONTENT = Buffer.from('reliability check: these bytes must be stored exactly once\n');
/** "Within seconds": generous, the real figures are in the table of docs/reliability.md. */
const WITHIN_SECONDS_MS = 5000;

type Refusal = keyof typeof REFUSAL_ANSWERS;

interface Case {
	kind: 'refusal' | 'fault' | 'bad input';
	/** What is tried, as the table shows it. */
	tried: string;
	/** What the node does, as the table shows it; the test checks it. */
	reaction: string;
	parameters: INodeParameters;
	faults?: Fault[];
	items?: number;
	apiKey?: string;
	/** The error text the run must end with, or undefined when the run must succeed. */
	error?: RegExp;
	/** Advice expected under the error (its description). */
	advice?: RegExp;
	/** 1fichier's own answer, expected in the error's description (never its headline). */
	answer?: string;
	maxCalls?: number;
	minCalls?: number;
	/** An upload: the file must then be stored exactly once. */
	upload?: boolean;
}

const listFolders = { resource: 'folder', operation: 'getMany', folder: rl('id', '0'), returnAll: true };
const fileLink = () => rl('url', seededUrl);
const getFile = () => ({ resource: 'file', operation: 'get', file: fileLink() });
const download = () => ({ resource: 'file', operation: 'download', file: fileLink(), options: { password: 'secret-pass' } });
const getLink = () => ({ resource: 'file', operation: 'getLink', file: fileLink() });
const upload = { resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: rl('id', '0') };

function everyCall(refusal: Refusal, match?: string): Fault[] {
	return [{ kind: 'refusal', ...REFUSAL_ANSWERS[refusal], always: true, match }];
}

const refusalCase = (
	refusal: Refusal,
	parameters: () => INodeParameters,
	reaction: string,
	headline: string,
	advice: RegExp,
): Case => ({
	kind: 'refusal',
	tried: `\`${REFUSAL_ANSWERS[refusal].message}\` (HTTP ${REFUSAL_ANSWERS[refusal].status}) on every call`,
	reaction,
	get parameters() {
		return parameters();
	},
	faults: everyCall(refusal),
	items: 2,
	error: new RegExp(`^${escapeRegExp(headline)}$`),
	advice,
	answer: REFUSAL_ANSWERS[refusal].message,
	maxCalls: 2,
});

const floodCase = (refusal: Refusal): Case => ({
	kind: 'refusal',
	tried: `\`${REFUSAL_ANSWERS[refusal].message}\` on every call`,
	reaction: 'rate limit: pauses the key 30 s, 60 s, 120 s… then fails after 300 s of waiting',
	parameters: listFolders,
	faults: everyCall(refusal),
	error: /rate-limited/,
	advice: /Request Spacing/,
	minCalls: 3,
});

const CASES: Case[] = [
	floodCase('floodIp'),
	floodCase('floodUser'),
	floodCase('floodUserApk'),
	floodCase('ipLocked'),
	refusalCase('notAuthenticated', () => listFolders, 'fails at once: the key is wrong or revoked', 'Could not list the folder in "Parent Folder": 1fichier refused the API key', /does not know this API key/),
	refusalCase('noSuchUser', () => listFolders, 'fails at once: the key is wrong or revoked', 'Could not list the folder in "Parent Folder": 1fichier refused the API key', /does not know this API key/),
	refusalCase('notCustomer', () => listFolders, 'fails at once: a free account\'s key', 'Could not list the folder in "Parent Folder": the API key belongs to a free 1fichier account', /Premium or Access subscription/),
	refusalCase('notAllowed', getFile, 'fails at once: names "File", a password or access rules', 'Could not read the details of the file in "File": 1fichier does not let this account reach it', /download password.*access rules/),
	refusalCase('passwordMissing', download, 'fails at once: names "Password" (under Options)', 'Could not get a download link for the file in "File": it has a download password and none was given', /Give its password in "Password" \(under Options\)/),
	refusalCase('passwordInvalid', download, 'fails at once: names "Password" (under Options)', 'Could not get a download link for the file in "File": the password in "Password" (under Options) is wrong', /is wrong\. Give its password in "Password" \(under Options\)/),
	refusalCase('otherLocation', () => listFolders, 'fails at once: account in use from another IP', 'Could not list the folder in "Parent Folder": the account is in use from another IP address', /another IP address/),
	refusalCase('vpn', getLink, 'fails at once: suggests Get Link\'s "Use CDN"', 'Could not get a download link for the file in "File": 1fichier refuses this IP address without CDN', /"Use CDN"/),
	refusalCase('ownerLocked', getFile, 'fails at once: the uploader\'s account is locked', 'Could not read the details of the file in "File": 1fichier has locked the account that uploaded it', /retrying will not help/),
	refusalCase('notFound', getFile, 'fails at once: the file in "File" does not exist', 'Could not read the details of the file in "File": it does not exist', /The file in "File" does not exist/),
	refusalCase('unknown', () => listFolders, 'fails at once, 1fichier\'s text in the details', 'Could not list the folder in "Parent Folder": 1fichier refused it', /\(folder\/ls\.cgi, HTTP 403\)\.$/),
	{
		kind: 'refusal',
		tried: 'HTML 403 page (anti-bot front) on every call',
		reaction: 'fails at once: names the anti-bot front',
		parameters: listFolders,
		faults: [{ kind: 'html403', always: true }],
		items: 2,
		error: /anti-bot front/,
		advice: /VPN and datacenter/,
		maxCalls: 2,
	},
	{
		kind: 'fault',
		tried: 'one `Flood detected` answer',
		reaction: 'waits 30 s, then succeeds',
		parameters: listFolders,
		faults: [{ kind: 'refusal', ...REFUSAL_ANSWERS.floodIp }],
		maxCalls: 2,
		minCalls: 2,
	},
	{
		kind: 'fault',
		tried: '2 × HTTP 503 on a listing',
		reaction: 'retries with back-off, then succeeds',
		parameters: listFolders,
		faults: [{ kind: '5xx', match: 'folder/ls.cgi', times: 2 }],
		maxCalls: 3,
		minCalls: 3,
	},
	{
		kind: 'fault',
		tried: '2 × maintenance page (HTTP 503)',
		reaction: 'retries with back-off, then succeeds',
		parameters: listFolders,
		faults: [{ kind: 'maintenance', match: 'folder/ls.cgi', times: 2 }],
		maxCalls: 3,
		minCalls: 3,
	},
	{
		kind: 'fault',
		tried: 'connection dropped on a listing',
		reaction: 'retries, then succeeds',
		parameters: listFolders,
		faults: [{ kind: 'drop', match: 'folder/ls.cgi' }],
		maxCalls: 2,
		minCalls: 2,
	},
	{
		kind: 'fault',
		tried: 'upload connection dropped mid-file',
		reaction: 'end.pl knows no file: uploads again',
		parameters: upload,
		faults: [{ kind: 'drop', match: 'upload.cgi' }],
		upload: true,
	},
	{
		kind: 'fault',
		tried: 'upload.cgi answers HTTP 503',
		reaction: 'end.pl knows no file: uploads again',
		parameters: upload,
		faults: [{ kind: '5xx', match: 'upload.cgi' }],
		upload: true,
	},
	{
		kind: 'fault',
		tried: 'end.pl: 2 × "Please wait" page',
		reaction: 'waits, asks again, then succeeds',
		parameters: upload,
		faults: [{ kind: 'pleaseWait', match: 'end.pl', times: 2 }],
		upload: true,
	},
	{
		kind: 'fault',
		tried: 'end.pl: HTML result page instead of JSON',
		reaction: 'reads the link from the page, the checksum from file/info',
		parameters: upload,
		faults: [{ kind: 'endHtml', match: 'end.pl', always: true }],
		upload: true,
	},
	{
		kind: 'fault',
		tried: 'end.pl: 2 × JSON with no link yet',
		reaction: 'waits, asks again, then succeeds',
		parameters: upload,
		faults: [{ kind: 'endNoLinks', match: 'end.pl', times: 2 }],
		upload: true,
	},
	{
		kind: 'fault',
		tried: 'end.pl: never a link (the file stored all the same)',
		reaction: 'waits out its budget, finds the file in its folder, succeeds',
		parameters: upload,
		faults: [{ kind: 'endNoLinks', match: 'end.pl', always: true }],
		upload: true,
	},
	{
		kind: 'fault',
		tried: 'end.pl: several links (same name other size, same size other name)',
		reaction: 'picks the link with the name and size sent',
		parameters: upload,
		faults: [{ kind: 'endSeveralLinks', match: 'end.pl', always: true }],
		upload: true,
	},
	{
		kind: 'fault',
		tried: 'a listing answered after 1 s',
		reaction: 'waits for it, succeeds',
		parameters: listFolders,
		faults: [{ kind: 'slow', match: 'folder/ls.cgi', delayMs: 1000 }],
		maxCalls: 1,
		minCalls: 1,
	},
	{
		kind: 'bad input',
		tried: 'API key pasted as `  Bearer <key> `',
		reaction: 'trims it and works',
		parameters: listFolders,
		apiKey: `  Bearer ${GOOD_KEY} `,
		maxCalls: 1,
		minCalls: 1,
	},
	{
		kind: 'bad input',
		tried: 'API key with a space inside',
		reaction: 'error naming "API Key", nothing sent',
		parameters: listFolders,
		apiKey: 'RELIABILITY FAKE KEY',
		error: /"API Key" contains spaces/,
		maxCalls: 0,
	},
	{
		kind: 'bad input',
		tried: 'remote upload with an empty URL list',
		reaction: 'error naming "URLs", nothing sent',
		parameters: { resource: 'remoteUpload', operation: 'create', urls: ' \n ', folder: rl('id', '0') },
		error: /^"URLs" must contain at least one link$/,
		maxCalls: 0,
	},
	{
		kind: 'bad input',
		tried: 'folder path `backups//nas`',
		reaction: 'error naming "Parent Folder", nothing sent',
		parameters: { ...listFolders, folder: rl('path', 'backups//nas') },
		error: /^The path "backups\/\/nas" in "Parent Folder" has an empty part/,
		maxCalls: 0,
	},
	{
		kind: 'bad input',
		tried: 'folder name of 251 characters',
		reaction: 'error naming "Name", nothing sent',
		parameters: { resource: 'folder', operation: 'create', name: 'n'.repeat(251), parentFolder: rl('id', '0') },
		error: /^"Name" is 251 characters long; 1fichier allows at most 250/,
		maxCalls: 0,
	},
	// From an expression: n8n's own check of the "By ID" field only sees typed values.
	...['-1', 'abc'].map(
		(id): Case => ({
			kind: 'bad input',
			tried: `folder ID \`${id}\` (from an expression)`,
			reaction: 'error naming "Parent Folder", nothing sent',
			parameters: { ...listFolders, folder: rl('id', `={{ "${id}" }}`) },
			error: /^"Parent Folder" must be a folder ID/,
			maxCalls: 0,
		}),
	),
];

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

let sim: Simulator;
let seededUrl = '';
const rows: ReliabilityRow[] = [];

beforeAll(async () => {
	sim = await startTestSimulator({ keys: [GOOD_KEY] });
});
afterAll(async () => await sim.close());
beforeEach(() => {
	resetSimulator(sim);
	resetPacersForTesting();
	seededUrl = sim.state.addFile(0, 'seeded.txt', 'seeded').url;
});

function itemsFor(testCase: Case): TestItem[] {
	if (!testCase.upload) return Array.from({ length: testCase.items ?? 1 }, () => ({ json: {} }));
	return [{ inlineBinary: [{ property: 'data', base64: CONTENT.toString('base64'), fileName: 'report.txt', mimeType: 'text/plain' }] }];
}

/** Error texts of the run: the failed node's, or each item's under Continue On Fail. */
function errorsOf(result: RunResult): Array<{ message: string; description?: string }> {
	if (result.error) return [{ message: result.error.message, description: result.error.description }];
	return result.items
		.filter((item) => item.json.error !== undefined)
		.map((item) => ({ message: String(item.json.error), description: item.json.description as string | undefined }));
}

describe.each(CASES)('$kind: $tried', (testCase) => {
	it(`${testCase.reaction}`, async () => {
		for (const fault of testCase.faults ?? []) sim.faults.add(fault);
		const started = Date.now();
		const result = await runNode(sim, testCase.parameters, {
			items: itemsFor(testCase),
			apiKey: testCase.apiKey ?? GOOD_KEY,
			continueOnFail: (testCase.items ?? 1) > 1,
		});
		const ms = Date.now() - started;
		const calls = sim.stats.requests;
		const errors = errorsOf(result);

		if (testCase.error) {
			expect(errors).toHaveLength(testCase.items ?? 1);
			for (const error of errors) {
				expect(error.message).toMatch(testCase.error);
				if (testCase.advice) expect(error.description).toMatch(testCase.advice);
				if (testCase.answer) {
					expect(error.description).toContain(testCase.answer);
					expect(error.message).not.toContain(testCase.answer);
				}
			}
		} else {
			expect(errors).toEqual([]);
		}
		if (testCase.maxCalls !== undefined) expect(calls).toBeLessThanOrEqual(testCase.maxCalls);
		if (testCase.minCalls !== undefined) expect(calls).toBeGreaterThanOrEqual(testCase.minCalls);
		if (testCase.kind === 'refusal' && testCase.maxCalls !== undefined) expect(ms).toBeLessThan(WITHIN_SECONDS_MS);

		let storedOnce: boolean | undefined;
		if (testCase.upload) {
			const stored = sim.state.listFiles(0).filter((file) => file.filename === 'report.txt');
			storedOnce = stored.length === 1 && sim.state.readFile(stored[0].url).equals(CONTENT);
			expect(storedOnce).toBe(true);
			expect(result.items[0]?.json.url).toBe(stored[0].url);
		}
		rows.push({ kind: testCase.kind, tried: testCase.tried, reaction: testCase.reaction, calls, ms, storedOnce });
	});
});

interface StoreCase {
	tried: string;
	reaction: string;
	/** Switches n8n to this store; returns the switch back. */
	use(): Promise<() => Promise<void>>;
}

const MiB = 1024 * 1024;
const STORE_CASES: StoreCase[] = [
	{
		tried: '64 MiB download into n8n\'s `filesystem` store (writes each chunk as it comes)',
		reaction: 'verified against 1fichier\'s Whirlpool, written back intact',
		use: async () => async () => {},
	},
	{
		tried: '64 MiB download into a store that keeps every chunk until the end (`database`, `s3`, `azure`; here n8n\'s S3 store over a bucket in memory)',
		reaction: 'verified against 1fichier\'s Whirlpool, written back intact',
		use: async () => await useBinaryStore('s3', new ChunkKeepingStore()),
	},
];

describe.each(STORE_CASES)('binary data mode: $tried', (storeCase) => {
	const sha512 = async (file: string) => {
		const hash = createHash('sha512');
		await pipeline(createReadStream(file), hash);
		return hash.digest('hex');
	};

	it(`${storeCase.reaction}`, async () => {
		const content = randomBytes(64 * MiB);
		const stored = sim.state.addFile(0, 'photos.tar', content);
		const restore = await storeCase.use();
		const dir = mkdtempSync(path.join(tmpdir(), 'reliability-'));
		try {
			const started = Date.now();
			const result = await runNode(sim, { resource: 'file', operation: 'download', file: rl('url', stored.url) }, { apiKey: GOOD_KEY });
			const ms = Date.now() - started;
			expect(result.error).toBeUndefined();
			expect(result.items[0].json).toMatchObject({ checksum: stored.checksum, verified: true });
			// Written back out of n8n's store, as n8n's Write File node reads a binary.
			const written = path.join(dir, 'photos.tar');
			const binaryId = result.items[0].binary!.data.id!;
			await pipeline(await Container.get(BinaryDataService).getAsStream(binaryId), createWriteStream(written));
			const intact = (await sha512(written)) === createHash('sha512').update(content).digest('hex');
			expect(intact).toBe(true);
			rows.push({ kind: 'binary data mode', tried: storeCase.tried, reaction: storeCase.reaction, calls: sim.stats.requests, ms, storedOnce: intact });
		} finally {
			await restore();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

it('the table of docs/reliability.md matches these results', () => {
	expect(rows).toHaveLength(CASES.length + STORE_CASES.length);
	const table = renderTable(rows, TEST_TIME_SCALE);
	mkdirSync('test-artifacts', { recursive: true });
	writeFileSync(path.join('test-artifacts', 'reliability.json'), JSON.stringify(rows, null, '\t'));
	const doc = readFileSync(TABLE_DOC_PATH, 'utf8');
	if (process.env.UPDATE_RELIABILITY === '1') writeFileSync(TABLE_DOC_PATH, replaceTable(doc, table));
	// Times vary from run to run; everything else must be what the suite just saw.
	const withoutTimes = (markdown: string) => markdown.split('\n').map((line) => line.replace(/\| [^|]* s \|$/, '|'));
	expect(withoutTimes(tableOf(readFileSync(TABLE_DOC_PATH, 'utf8')))).toEqual(withoutTimes(table));
});
