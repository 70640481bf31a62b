/**
 * 1fichier lets a folder be listed with file/ls once per 30 s (API reference §3). The trigger
 * keeps each folder's last listing time in its state (survives restarts) and, here, per API key
 * for the whole n8n process, so a manual test run and the active trigger of the same workflow do
 * not collide on one folder.
 */
import { createHash } from 'crypto';

import type { OneFichierCredentials } from '../transport';

const lastListings = new Map<string, number>();

function slot(credentials: OneFichierCredentials, folderId: number): string {
	const key = createHash('sha256').update(`${credentials.baseUrl}\n${credentials.apiKey}`).digest('hex');
	return `${key}:${folderId}`;
}

export function lastListedAt(credentials: OneFichierCredentials, folderId: number): number | undefined {
	return lastListings.get(slot(credentials, folderId));
}

/** Called after a file/ls answer (or failure): later than the server's own record, so on the safe side. */
export function markListed(credentials: OneFichierCredentials, folderId: number, at: number): void {
	const id = slot(credentials, folderId);
	lastListings.set(id, Math.max(at, lastListings.get(id) ?? 0));
}

/** For tests only. */
export function clearListingGateForTesting(): void {
	lastListings.clear();
}
