import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename } from 'node:path';

import type { SimulatorContext } from './context';
import { formatParisDate } from './dates';
import { dispositionParameters } from './multipart';
import { sanitizeName } from './names';
import { ROOT_FOLDER_ID, type StoredRemoteJob } from './state';
import type { SimRemoteResult } from './types';

/**
 * Remote upload (§2.6): the server fetches each URL of a job in the background and stores the
 * body as a new file. The simulator only ever fetches loopback URLs, so nothing leaves the machine.
 */

const MAX_REDIRECTS = 5;
const FETCH_TIMEOUT_MS = 60_000;

export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

class RemoteFetchError extends Error {}

function fetchFailure(url: string, message: string): SimRemoteResult {
	return { status: 'KO', url, message };
}

/** Content-Disposition filename (RFC 5987 form first), else the last URL path segment. */
function remoteFilename(response: IncomingMessage, url: URL): string {
	const disposition = response.headers['content-disposition'];
	let name = disposition ? (dispositionParameters(disposition).filename ?? '') : '';
	if (!name) {
		try {
			name = decodeURIComponent(basename(url.pathname));
		} catch {
			name = basename(url.pathname);
		}
	}
	// A fetched name is not the user's choice: make it storable rather than failing the job.
	const safe = sanitizeName(name);
	return safe || 'remote-file';
}

export class RemoteRunner {
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly inFlight = new Set<ClientRequest>();
	private stopped = false;

	constructor(private readonly ctx: () => SimulatorContext) {}

	/** Starts the job after remoteFetchDelayMs (scaled). Held jobs (demo seed) never start. */
	schedule(job: StoredRemoteJob): void {
		if (job.held || this.stopped) return;
		const ctx = this.ctx();
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			void this.run(job);
		}, ctx.scaled(ctx.limits.remoteFetchDelayMs));
		this.timers.add(timer);
	}

	stop(): void {
		this.stopped = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const request of this.inFlight) request.destroy();
		this.inFlight.clear();
	}

	private stillListed(job: StoredRemoteJob): boolean {
		return !this.stopped && this.ctx().state.remoteJob(job.id) === job;
	}

	private async run(job: StoredRemoteJob): Promise<void> {
		if (!this.stillListed(job)) return;
		job.executionDate = formatParisDate(this.ctx().clock.now());
		const results: SimRemoteResult[] = [];
		for (const url of job.urls) {
			if (!this.stillListed(job)) return;
			results.push(await this.fetchOne(url, job));
		}
		// §2.6: `result` stays empty until the job has been executed.
		job.result = results;
		job.done = true;
	}

	private async fetchOne(url: string, job: StoredRemoteJob): Promise<SimRemoteResult> {
		try {
			const { response, finalUrl } = await this.openFollowingRedirects(url, job.headers);
			return await this.storeBody(response, finalUrl, url, job);
		} catch (error) {
			return fetchFailure(url, error instanceof Error ? error.message : String(error));
		}
	}

	private async storeBody(response: IncomingMessage, finalUrl: URL, url: string, job: StoredRemoteJob): Promise<SimRemoteResult> {
		const ctx = this.ctx();
		const writer = ctx.blobs.writer();
		try {
			for await (const chunk of response as AsyncIterable<Buffer>) await writer.write(chunk);
		} catch (error) {
			await writer.abort();
			throw error;
		}
		if (writer.bytesWritten === 0) {
			await writer.abort();
			return fetchFailure(url, 'Empty file');
		}
		const blob = await writer.finish();
		if (!this.stillListed(job)) {
			await writer.abort();
			return fetchFailure(url, 'Cancelled');
		}
		const folderId = ctx.state.getFolder(job.folderId) ? job.folderId : ROOT_FOLDER_ID;
		const contentType = String(response.headers['content-type'] ?? '').split(';')[0].trim() || undefined;
		const file = ctx.state.storeFile({ folderId, filename: remoteFilename(response, finalUrl), blob, contentType });
		return { status: 'OK', url, download_link: file.url };
	}

	private async openFollowingRedirects(url: string, headers: Record<string, string>): Promise<{ response: IncomingMessage; finalUrl: URL }> {
		let target = parseRemoteUrl(url);
		for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
			const response = await this.open(target, headers);
			const location = response.headers.location;
			const status = response.statusCode ?? 0;
			if (status >= 300 && status < 400 && location) {
				response.resume();
				target = parseRemoteUrl(new URL(location, target).toString());
				continue;
			}
			if (status < 200 || status >= 300) {
				response.resume();
				throw new RemoteFetchError(`HTTP ${status} from remote server`);
			}
			return { response, finalUrl: target };
		}
		throw new RemoteFetchError('Too many redirects');
	}

	private open(target: URL, headers: Record<string, string>): Promise<IncomingMessage> {
		const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
		return new Promise((resolve, reject) => {
			const request = send(target, { method: 'GET', headers, timeout: FETCH_TIMEOUT_MS, rejectUnauthorized: false });
			this.inFlight.add(request);
			request.on('response', (response) => {
				response.on('close', () => this.inFlight.delete(request));
				resolve(response);
			});
			request.on('timeout', () => request.destroy(new RemoteFetchError('Remote server timed out')));
			request.on('error', (error) => {
				this.inFlight.delete(request);
				reject(error);
			});
			request.end();
		});
	}
}

/** Only http(s) to a loopback host: the simulator must never reach the network. */
function parseRemoteUrl(text: string): URL {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new RemoteFetchError('Invalid URL');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RemoteFetchError('Unsupported URL scheme');
	if (!isLoopbackHost(url.hostname)) {
		throw new RemoteFetchError('Host not allowed: the simulator only fetches loopback URLs');
	}
	return url;
}
