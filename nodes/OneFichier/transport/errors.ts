import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/** How the transport reacts to a failed call. */
export type FailureKind = 'auth' | 'flood' | 'retryable' | 'fatal';

/** What a failed call looked like, without anything from the request (no headers, no key). */
export interface ApiFailure {
	endpoint: string;
	httpCode?: number;
	/** 1fichier's own text, e.g. `Flood detected: IP Locked #374`, or a network error message. */
	message: string;
	kind: FailureKind;
}

// Matched on text: the `#n` suffix is not a stable code (the same flood text has had #38, #374, #412).
const FLOOD_PATTERN = /flood detected|\blocked\b/i;
const AUTH_PATTERN = /not authenticated|no such user/i;
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504, 509]);

export function classifyFailure(httpCode: number | undefined, message: string): FailureKind {
	if (httpCode === 401 || AUTH_PATTERN.test(message)) return 'auth';
	// "Owner locked" is about a file's uploader, not about our pace.
	if (FLOOD_PATTERN.test(message) && !/owner locked/i.test(message)) return 'flood';
	if (httpCode === 403) return 'flood';
	if (httpCode === undefined || RETRYABLE_STATUS.has(httpCode)) return 'retryable';
	return 'fatal';
}

/** Removes a bearer token or anything key-shaped that a server might echo back. */
export function redactSecrets(text: string, secrets: string[]): string {
	let redacted = text.replace(/Bearer\s+[A-Za-z0-9\-_=.]+/gi, 'Bearer [redacted]');
	for (const secret of secrets) {
		if (secret) redacted = redacted.split(secret).join('[redacted]');
	}
	return redacted;
}

export function toNodeApiError(node: INode, failure: ApiFailure, itemIndex?: number): NodeApiError {
	const where = failure.httpCode
		? `${failure.endpoint} answered HTTP ${failure.httpCode}`
		: `${failure.endpoint} could not be reached`;
	const hint = hintFor(failure);
	return new NodeApiError(
		node,
		{ message: failure.message, endpoint: failure.endpoint, httpCode: failure.httpCode ?? null } as JsonObject,
		{
			message: `1fichier: ${failure.message}`,
			description: hint ? `${where}. ${hint}` : `${where}.`,
			httpCode: failure.httpCode ? String(failure.httpCode) : undefined,
			itemIndex,
		},
	);
}

function hintFor(failure: ApiFailure): string | undefined {
	switch (failure.kind) {
		case 'auth':
			return 'Check the API key in the 1fichier credential (a Premium or Access account is required).';
		case 'flood':
			return 'The account or IP is rate-limited by 1fichier. Wait a few minutes, raise "Request Spacing", or raise "Max Wait on Rate Limits" in the node options.';
		default:
			return undefined;
	}
}

/** Pulls 1fichier's message out of whatever came back (JSON envelope, HTML page, nothing). */
export function messageFromBody(body: unknown, httpCode: number | undefined): string {
	if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
		return (body as { message: string }).message;
	}
	if (typeof body === 'string' && body.trim() !== '') {
		const text = body
			.replace(/<[^>]*>/g, ' ')
			.replace(/\s+/g, ' ')
			.trim();
		if (text) return text.slice(0, 200);
	}
	return httpCode ? `HTTP ${httpCode} without a message` : 'No answer';
}
