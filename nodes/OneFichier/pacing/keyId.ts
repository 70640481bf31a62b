import { createHash } from 'crypto';

/** The credential's fields that tell one API key from another. */
export interface KeyIdentity {
	baseUrl: string;
	apiKey: string;
}

/** What identifies an API key in memory and in Redis: a hash, so the key itself is never kept. */
export function keyIdOf(baseUrl: string, apiKey: string): string {
	return createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex');
}
