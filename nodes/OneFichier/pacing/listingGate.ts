/**
 * 1fichier lets a folder be listed with file/ls once per 30 s (docs/1fichier-api.md §3). The trigger
 * keeps each folder's last listing time in its state (survives restarts) and, here, per API key
 * for the whole n8n process — in queue mode for every process of the installation, through n8n's
 * Redis — so a manual test run, the active trigger and the workers do not collide on one folder.
 *
 * Listings of any folders are also spaced as one class of call, by the key's pacer (pacer.ts):
 * 1fichier seems to allow one listing every 3 s in general (§3, "Listings in general").
 */
import type { Logger } from 'n8n-workflow';

import { getClock } from '../installation/clock';
import { withSharedState } from '../installation/coordination';
import type { KeyIdentity } from './keyId';
import { keyIdOf } from './keyId';

const lastListings = new Map<string, number>();

function slot(keyId: string, folderId: number): string {
	return `${keyId}:${folderId}`;
}

export async function lastListedAt(
	credentials: KeyIdentity,
	folderId: number,
	logger?: Logger,
): Promise<number | undefined> {
	const keyId = keyIdOf(credentials.baseUrl, credentials.apiKey);
	return await withSharedState(
		logger,
		async (state) => {
			const age = await state.listingAge(keyId, folderId);
			return age === undefined ? undefined : getClock().now() - age;
		},
		() => lastListings.get(slot(keyId, folderId)),
	);
}

/**
 * Claims the next listing of a folder: returns how long to wait before listing it (0 when it may
 * be listed now) and records the listing as planned, so that a concurrent caller waits for it.
 */
export async function claimListing(
	credentials: KeyIdentity,
	folderId: number,
	intervalMs: number,
	logger?: Logger,
): Promise<number> {
	const keyId = keyIdOf(credentials.baseUrl, credentials.apiKey);
	return await withSharedState(
		logger,
		async (state) => await state.claimListing(keyId, folderId, intervalMs),
		() => {
			const now = getClock().now();
			const id = slot(keyId, folderId);
			const waitMs = Math.max(0, (lastListings.get(id) ?? Number.NEGATIVE_INFINITY) + intervalMs - now);
			lastListings.set(id, now + waitMs);
			return waitMs;
		},
	);
}

/** Called after a file/ls answer (or failure): later than the server's own record, so on the safe side. */
export async function markListed(
	credentials: KeyIdentity,
	folderId: number,
	at: number,
	logger?: Logger,
): Promise<void> {
	const keyId = keyIdOf(credentials.baseUrl, credentials.apiKey);
	// Kept in memory in every mode: should Redis go away, this process still knows its own listings.
	const id = slot(keyId, folderId);
	lastListings.set(id, Math.max(at, lastListings.get(id) ?? 0));
	const ageMs = getClock().now() - at;
	await withSharedState(logger, async (state) => await state.markListed(keyId, folderId, ageMs), () => undefined);
}

/** For tests only. */
export function clearListingGateForTesting(): void {
	lastListings.clear();
}
