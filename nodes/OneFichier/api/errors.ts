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
	/** 1fichier's own text (`Flood detected: IP Locked #374`), a network error's, or the node's own finding. */
	message: string;
	kind: FailureKind;
	cause?: RefusalCause;
	/**
	 * Where `message` comes from: `service` for 1fichier's own words (kept for the error's details,
	 * never its headline), `network` for a connection that failed; unset for the node's own finding.
	 */
	origin?: 'service' | 'network';
	/** Set when the node gave up after waiting this long on rate limits or server errors. */
	waitedMs?: number;
}

/**
 * The node parameters a call is about, as the editor shows them (helpers/parameterLabels.ts), so
 * a refusal can say which one to fix: `{ file: '"File"', password: '"Password" (under Options)' }`.
 * Given by the operation to `apiRequest`.
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
	/** Why the call failed, in the user's words, for the error's headline (after "Could not …: "). */
	reason: (subject: CallSubject) => string;
	/** What the user can do about it. */
	hint: (subject: CallSubject) => string;
}

/**
 * Every refusal 1fichier is known to answer (docs/1fichier-api.md §4), first match wins. 1fichier
 * uses HTTP 403 for all kinds of refusal, so the text decides; only the flood texts are waited out.
 * A new refusal is one more line here.
 */
const REFUSALS: Refusal[] = [
	{ cause: 'flood', text: /flood detected|\b(?:ip|user|user apk) locked\b/i, kind: 'flood', reason: () => 'the API key is rate-limited by 1fichier', hint: () => FLOOD_HINT },
	{ cause: 'wrongKey', text: /not authenticated|no such user/i, kind: 'auth', reason: () => '1fichier refused the API key', hint: () => WRONG_KEY_HINT },
	{ cause: 'notCustomer', text: /must be a customer/i, kind: 'auth', reason: () => 'the API key belongs to a free 1fichier account', hint: () => NOT_CUSTOMER_HINT },
	{ cause: 'passwordMissing', text: /password not provided/i, kind: 'fatal', reason: () => 'it has a download password and none was given', hint: (s) => `${protectedThing(s)} has a download password. ${givePassword(s)}` },
	{ cause: 'passwordInvalid', text: /invalid password/i, kind: 'fatal', reason: (s) => (s.password ? `the password in ${s.password} is wrong` : 'the password given is wrong'), hint: (s) => `The password given for ${thing(s)} is wrong. ${givePassword(s)}` },
	{ cause: 'notAllowed', text: /resource not allowed/i, kind: 'fatal', reason: () => '1fichier does not let this account reach it', hint: notAllowedHint },
	{ cause: 'otherLocation', text: /only \d+ locations? allowed at a time/i, kind: 'fatal', reason: () => 'the account is in use from another IP address', hint: () => 'The account is in use from another IP address right now (1fichier allows one location at a time): stop the other use (browser, download manager, another n8n) and try again later.' },
	{ cause: 'vpn', text: /professional equipment|must have cdn/i, kind: 'fatal', reason: () => '1fichier refuses this IP address without CDN', hint: () => '1fichier refuses this IP address (a VPN or datacenter) without CDN: turn on "Use CDN" in the options of Get Link (it spends CDN credits), or run n8n from another network.' },
	{ cause: 'ownerLocked', text: /owner locked/i, kind: 'fatal', reason: () => '1fichier has locked the account that uploaded it', hint: (s) => `1fichier has locked the account that uploaded ${thing(s)}; it cannot be reached through the API and retrying will not help.` },
	{ cause: 'notFound', text: /resource not found/i, kind: 'fatal', reason: () => 'it does not exist', hint: (s) => `${capitalised(thing(s))} does not exist (deleted, or a wrong link or ID).` },
];

const FLOOD_HINT =
	'The account or IP is rate-limited by 1fichier. Wait a few minutes, or raise "Request Spacing (Ms)" or "Max Wait on Rate Limits (Seconds)" under the node\'s Rate Limits.';
const WRONG_KEY_HINT =
	'1fichier does not know this API key, or it was revoked ("No such user" can also mean the account is locked for security: sign in on the website). Copy the key again from the 1fichier console (Parameters > API Key) into the credential.';
const NOT_CUSTOMER_HINT =
	'This key belongs to a free account: 1fichier\'s API needs a Premium or Access subscription. Waiting will not help.';
const ANTI_BOT_HINT =
	'1fichier\'s anti-bot front answered an HTML page instead of the API: it blocks many VPN and datacenter IP addresses. Run n8n from another network, or ask 1fichier to allow this IP.';

function thing(subject: CallSubject): string {
	if (subject.file) return `the file in ${subject.file}`;
	if (subject.folder) return `the folder in ${subject.folder}`;
	return 'the file or folder';
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const protectedThing = (subject: CallSubject) => capitalised(thing(subject));

function givePassword(subject: CallSubject): string {
	return subject.password
		? `Give its password in ${subject.password}.`
		: 'This operation cannot send a password: use Download or Get Link with their "Password" option, or remove the protection on 1fichier.';
}

/**
 * "Resource not allowed" is 1fichier's answer to a password it did not get, to access rules that
 * leave this account out, and to someone else's private file: the advice names each, a password
 * only as one of them.
 */
function notAllowedHint(subject: CallSubject): string {
	const password = subject.password
		? `If it has a download password, give it in ${subject.password}.`
		: 'If it has a download password, only Download and Get Link can send it (their "Password" option).';
	return (
		`1fichier does not let this account reach ${thing(subject)}. ${password} If its owner set access rules ` +
		'(allowed IP addresses, countries or e-mail addresses, Premium only), they must allow this account or the IP address n8n runs from; ' +
		'a private file of another account cannot be reached at all.'
	);
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

/** What each call is for, in the user's words: what could not be done, and to what kind of thing. */
const ACTIONS: Record<string, { verb: string; acts?: 'file' | 'folder' }> = {
	'user/info.cgi': { verb: 'read the account information' },
	'upload/get_upload_server.cgi': { verb: 'start the upload' },
	'upload.cgi': { verb: 'upload', acts: 'file' },
	'end.pl': { verb: 'confirm the upload of', acts: 'file' },
	'download/get_token.cgi': { verb: 'get a download link for', acts: 'file' },
	'download token': { verb: 'download', acts: 'file' },
	'file/ls.cgi': { verb: 'list the files of', acts: 'folder' },
	'file/info.cgi': { verb: 'read the details of', acts: 'file' },
	'file/rm.cgi': { verb: 'delete', acts: 'file' },
	'file/mv.cgi': { verb: 'move', acts: 'file' },
	'file/cp.cgi': { verb: 'copy', acts: 'file' },
	'file/rename.cgi': { verb: 'rename', acts: 'file' },
	'file/chattr.cgi': { verb: 'update', acts: 'file' },
	'folder/ls.cgi': { verb: 'list', acts: 'folder' },
	'folder/mkdir.cgi': { verb: 'create a sub-folder of', acts: 'folder' },
	'folder/rm.cgi': { verb: 'delete', acts: 'folder' },
	'folder/mv.cgi': { verb: 'move or rename', acts: 'folder' },
	'folder/share.cgi': { verb: 'share', acts: 'folder' },
	'remote/request.cgi': { verb: 'start the remote upload' },
	'remote/ls.cgi': { verb: 'list the remote uploads' },
	'remote/info.cgi': { verb: 'read the remote upload request' },
};

/** "read the details of the file in "File"": the call's purpose, naming the parameter when the caller said which. */
function whatFailed(endpoint: string, subject: CallSubject): string {
	const action = ACTIONS[endpoint] ?? { verb: `call ${endpoint}` };
	if (action.acts === 'file') return `${action.verb} ${subject.file ? `the file in ${subject.file}` : 'the file'}`;
	if (action.acts === 'folder') return `${action.verb} ${subject.folder ? `the folder in ${subject.folder}` : 'the folder'}`;
	return action.verb;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** Why it failed, in the user's words: never 1fichier's raw text, which goes to the details. */
export function whyItFailed(failure: ApiFailure, subject: CallSubject): string {
	const gaveUp = failure.waitedMs === undefined ? '' : `; gave up after waiting ${seconds(failure.waitedMs)}`;
	if (failure.cause === 'antiBot') return `1fichier's anti-bot front blocked the call${gaveUp}`;
	const refusal = REFUSALS.find((candidate) => candidate.cause === failure.cause);
	if (refusal) return `${refusal.reason(subject)}${gaveUp}`;
	if (failure.origin !== 'service') return `${failure.message}${gaveUp}`;
	if (failure.cause === 'unknown403') return '1fichier refused it';
	const code = failure.httpCode;
	if (code === undefined || (code >= 200 && code < 300)) return `1fichier refused it${gaveUp}`;
	return gaveUp ? `1fichier kept answering HTTP ${code}${gaveUp}` : `1fichier answered HTTP ${code}`;
}

/** The error's headline: what could not be done, for which parameter, and why, as a sentence for the user. */
export function failureHeadline(failure: ApiFailure, subject: CallSubject = {}): string {
	return `Could not ${whatFailed(failure.endpoint, subject)}: ${whyItFailed(failure, subject)}`;
}

/** Where the failure was seen, with 1fichier's own text when it gave one. */
function failureOrigin(failure: ApiFailure): string {
	const status = failure.httpCode ? `, HTTP ${failure.httpCode}` : '';
	if (failure.origin === 'service') return `1fichier answered "${failure.message}" (${failure.endpoint}${status}).`;
	if (failure.origin === 'network') return `${failure.endpoint} could not be reached (${failure.message}).`;
	return `(${failure.endpoint}${status})`;
}

/**
 * The node's error for a failed call: a headline for the user, then the advice (`advice` first when
 * the caller knows more, e.g. that a copy may have been made) and 1fichier's own answer.
 */
export function toNodeApiError(
	node: INode,
	failure: ApiFailure,
	itemIndex?: number,
	subject?: CallSubject,
	advice?: string,
): NodeApiError {
	const description = [advice, hintFor(failure, subject), failureOrigin(failure)].filter(Boolean).join(' ');
	return new NodeApiError(
		node,
		{ message: failure.message, endpoint: failure.endpoint, httpCode: failure.httpCode ?? null } as JsonObject,
		{
			message: failureHeadline(failure, subject),
			description,
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
