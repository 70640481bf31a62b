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

export async function getOneFichierCredentials(ctx: OneFichierContext): Promise<OneFichierCredentials> {
	const credentials = await ctx.getCredentials<{ apiKey?: string; baseUrl?: string }>(CREDENTIAL_TYPE);
	const apiKey = normaliseApiKey(credentials.apiKey);
	const problem = apiKeyProblem(apiKey);
	if (problem) {
		throw new NodeOperationError(ctx.getNode(), `The 1fichier credential's "API Key" ${problem}`, {
			description: 'Copy the key again from the 1fichier console (Parameters > API Key).',
		});
	}
	return { apiKey, baseUrl: normaliseBaseUrl(String(credentials.baseUrl || DEFAULT_BASE_URL)) };
}

export function normaliseBaseUrl(baseUrl: string): string {
	return baseUrl.trim().replace(/\/+$/, '');
}
