import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/** How the transport reacts to a failed call: only `flood` and `retryable` are ever retried. */
export type FailureKind = 'auth' | 'flood' | 'retryable' | 'fatal';

/** Which refusal of the table below a failure is (tests and the reliability table of docs/reliability.md use these names). */
export type RefusalCause =
	| 'flood'
	| 'wrongKey'
	| 'notCustomer'
	| 'passwordMissing'
	| 'passwordInvalid'
	| 'notAllowed'
	| 'otherLocation'
	| 'vpn'
	| 'ownerLocked'
	| 'notFound'
	| 'antiBot'
	| 'unknown403';

/** What a failed call looked like, without anything from the request (no headers, no key). */
export interface ApiFailure {
	endpoint: string;
	httpCode?: number;
	/** 1fichier's own text, e.g. `Flood detected: IP Locked #374`, or a network error message. */
	message: string;
	kind: FailureKind;
	cause?: RefusalCause;
}

/**
 * The node parameters a call is about, as the user sees them, so a refusal can say which one to
 * fix (e.g. `{ file: 'File', password: 'Password' }`). Given by the operation to `apiRequest`.
 */
export interface CallSubject {
	file?: string;
	folder?: string;
	password?: string;
}

interface Refusal {
	cause: RefusalCause;
	/** Matched on 1fichier's text; the `#n` suffix is not a stable code (a flood has had #38, #374, #412). */
	text: RegExp;
	kind: FailureKind;
	/** What the user can do about it. */
	hint: (subject: CallSubject) => string;
}

/**
 * Every refusal 1fichier is known to answer (docs/1fichier-api.md §4), first match wins. 1fichier
 * uses HTTP 403 for all kinds of refusal, so the text decides; only the flood texts are waited out.
 * A new refusal is one more line here.
 */
const REFUSALS: Refusal[] = [
	{ cause: 'flood', text: /flood detected|\b(?:ip|user|user apk) locked\b/i, kind: 'flood', hint: () => FLOOD_HINT },
	{ cause: 'wrongKey', text: /not authenticated|no such user/i, kind: 'auth', hint: () => WRONG_KEY_HINT },
	{ cause: 'notCustomer', text: /must be a customer/i, kind: 'auth', hint: () => NOT_CUSTOMER_HINT },
	{ cause: 'passwordMissing', text: /password not provided/i, kind: 'fatal', hint: (s) => `${protectedThing(s)} has a download password. ${givePassword(s)}` },
	{ cause: 'passwordInvalid', text: /invalid password/i, kind: 'fatal', hint: (s) => `The password given for ${thing(s)} is wrong. ${givePassword(s)}` },
	{ cause: 'notAllowed', text: /resource not allowed/i, kind: 'fatal', hint: (s) => `${protectedThing(s)} is protected by a password or by access rules (IP, country, e-mail, Premium only) that refuse this account. ${givePassword(s)}` },
	{ cause: 'otherLocation', text: /only \d+ locations? allowed at a time/i, kind: 'fatal', hint: () => 'The account is in use from another IP address right now (1fichier allows one location at a time): stop the other use (browser, download manager, another n8n) and try again later.' },
	{ cause: 'vpn', text: /professional equipment|must have cdn/i, kind: 'fatal', hint: () => '1fichier refuses this IP address (a VPN or datacenter) without CDN: turn on "Use CDN" in the options of Get Link (it spends CDN credits), or run n8n from another network.' },
	{ cause: 'ownerLocked', text: /owner locked/i, kind: 'fatal', hint: (s) => `1fichier has locked the account that uploaded ${thing(s)}; it cannot be reached through the API and retrying will not help.` },
	{ cause: 'notFound', text: /resource not found/i, kind: 'fatal', hint: (s) => `${capitalised(thing(s))} does not exist (deleted, or a wrong link or ID).` },
];

const FLOOD_HINT =
	'The account or IP is rate-limited by 1fichier. Wait a few minutes, raise "Request Spacing", or raise "Max Wait on Rate Limits" in the node options.';
const WRONG_KEY_HINT =
	'1fichier does not know this API key, or it was revoked ("No such user" can also mean the account is locked for security: sign in on the website). Copy the key again from the 1fichier console (Parameters > API Key) into the credential.';
const NOT_CUSTOMER_HINT =
	'This key belongs to a free account: 1fichier\'s API needs a Premium or Access subscription. Waiting will not help.';
const ANTI_BOT_HINT =
	'1fichier\'s anti-bot front answered an HTML page instead of the API: it blocks many VPN and datacenter IP addresses. Run n8n from another network, or ask 1fichier to allow this IP.';

function thing(subject: CallSubject): string {
	if (subject.file) return `the file in "${subject.file}"`;
	if (subject.folder) return `the folder in "${subject.folder}"`;
	return 'the file or folder';
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const protectedThing = (subject: CallSubject) => capitalised(thing(subject));

function givePassword(subject: CallSubject): string {
	return subject.password
		? `Give its password in "${subject.password}".`
		: 'This operation cannot send a password: use Download or Get Link with the "Password" option, or remove the protection on 1fichier.';
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504, 509]);

/** Text first, status second. `html` tells a web page from the API's JSON envelope. */
export function classifyFailure(
	httpCode: number | undefined,
	message: string,
	html = false,
): { kind: FailureKind; cause?: RefusalCause } {
	const refusal = REFUSALS.find((candidate) => candidate.text.test(message));
	if (refusal) return { kind: refusal.kind, cause: refusal.cause };
	if (httpCode === 401) return { kind: 'auth', cause: 'wrongKey' };
	if (httpCode === 403) return { kind: 'fatal', cause: html ? 'antiBot' : 'unknown403' };
	if (httpCode === undefined || RETRYABLE_STATUS.has(httpCode)) return { kind: 'retryable' };
	return { kind: 'fatal' };
}

/** The advice shown under a failure, naming the parameter concerned where the caller said which. */
export function hintFor(failure: ApiFailure, subject: CallSubject = {}): string | undefined {
	if (failure.cause === 'antiBot') return ANTI_BOT_HINT;
	const refusal = REFUSALS.find((candidate) => candidate.cause === failure.cause);
	if (refusal) return refusal.hint(subject);
	return failure.kind === 'flood' ? FLOOD_HINT : undefined;
}

/** Removes a bearer token or anything key-shaped that a server might echo back. */
export function redactSecrets(text: string, secrets: string[]): string {
	let redacted = text.replace(/Bearer\s+[A-Za-z0-9\-_=.]+/gi, 'Bearer [redacted]');
	for (const secret of secrets) {
		if (secret) redacted = redacted.split(secret).join('[redacted]');
	}
	return redacted;
}

/** `redactSecrets` over every text of a parsed answer (JSON: strings, names, nested), for hosts that receive the key. */
export function redactAnswer(answer: unknown, secrets: string[]): unknown {
	if (typeof answer === 'string') return redactSecrets(answer, secrets);
	if (Array.isArray(answer)) return answer.map((entry) => redactAnswer(entry, secrets));
	if (answer !== null && typeof answer === 'object') {
		return Object.fromEntries(
			Object.entries(answer).map(([name, value]) => [redactSecrets(name, secrets), redactAnswer(value, secrets)]),
		);
	}
	return answer;
}

export function toNodeApiError(
	node: INode,
	failure: ApiFailure,
	itemIndex?: number,
	subject?: CallSubject,
): NodeApiError {
	const where = failure.httpCode
		? `${failure.endpoint} answered HTTP ${failure.httpCode}`
		: `${failure.endpoint} could not be reached`;
	const hint = hintFor(failure, subject);
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
