/**
 * A key pasted with spaces around it or with its `Bearer ` prefix works as meant. Used by the
 * credential's `authenticate` (every call), the transport and the credential test alike.
 */
export function normaliseApiKey(raw: unknown): string {
	return String(raw ?? '')
		.trim()
		.replace(/^bearer\s+/i, '')
		.trim();
}

/** Why a (normalised) key cannot be sent, or undefined. */
export function apiKeyProblem(apiKey: string): string | undefined {
	if (apiKey === '') return 'is empty';
	if (/\s/.test(apiKey)) return 'contains spaces or line breaks inside the key';
	return undefined;
}
