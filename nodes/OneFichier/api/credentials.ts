/** The credential as the API door reads it: the API key (normalised) and the base URL. */
import { NodeOperationError } from 'n8n-workflow';

import { apiKeyProblem, normaliseApiKey } from './apiKey';
import type { OneFichierContext } from './context';

export const CREDENTIAL_TYPE = 'oneFichierApi';

export interface OneFichierCredentials {
	apiKey: string;
	baseUrl: string;
}

export const DEFAULT_BASE_URL = 'https://api.1fichier.com/v1';

/** What the user is told to do when the "Base URL" is refused. */
export const BASE_URL_ADVICE =
	`Set the 1fichier credential's "Base URL" to ${DEFAULT_BASE_URL} (the default). ` +
	'Plain http:// is accepted only for a 1fichier simulator on this machine (localhost, 127.0.0.1 or ::1).';

export async function getOneFichierCredentials(ctx: OneFichierContext): Promise<OneFichierCredentials> {
	const credentials = await ctx.getCredentials<{ apiKey?: string; baseUrl?: string }>(CREDENTIAL_TYPE);
	const apiKey = normaliseApiKey(credentials.apiKey);
	const problem = apiKeyProblem(apiKey);
	if (problem) {
		throw new NodeOperationError(ctx.getNode(), `The 1fichier credential's "API Key" ${problem}`, {
			description: 'Copy the key again from the 1fichier console (Parameters > API Key).',
		});
	}
	const baseUrl = normaliseBaseUrl(String(credentials.baseUrl || DEFAULT_BASE_URL));
	const urlProblem = baseUrlProblem(baseUrl);
	if (urlProblem) {
		throw new NodeOperationError(ctx.getNode(), `The 1fichier credential's "Base URL" ${urlProblem}`, {
			description: BASE_URL_ADVICE,
		});
	}
	return { apiKey, baseUrl };
}

export function normaliseBaseUrl(baseUrl: string): string {
	return baseUrl.trim().replace(/\/+$/, '');
}

/**
 * Why the API key must not be sent to this URL (the base URL, or any URL a call goes to), or
 * undefined. The key travels in a header on every call, so plain HTTP would give it to anyone on
 * the path; the one exception is a simulator on this machine, whose traffic never leaves it.
 */
export function baseUrlProblem(url: string): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `is not a URL ("${url}")`;
	}
	if (parsed.protocol === 'https:') return undefined;
	if (parsed.protocol === 'http:') {
		if (isLoopbackHost(parsed.hostname)) return undefined;
		return `uses plain HTTP (${parsed.origin}): the API key would travel unencrypted`;
	}
	return `must start with https:// (it starts with ${parsed.protocol}//)`;
}

/** localhost, 127.0.0.0/8 and ::1. The URL parser has already turned 127.1 or 0x7f.0.0.1 into 127.0.0.1. */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/\.$/, '');
	if (host === 'localhost' || host === '[::1]') return true;
	return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
