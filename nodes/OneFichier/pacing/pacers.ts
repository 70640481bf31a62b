/**
 * Which pacer an API key gets: one per key for the whole process, and in queue mode one shared by
 * every process of the installation. Kept apart from the pacers themselves, which it chooses
 * between, so that neither imports the other.
 */
import type { Logger } from 'n8n-workflow';

import { installationCoordination } from '../installation/coordination';
import { keyIdOf } from './keyId';
import type { Pacer } from './pacer';
import { KeyPacer } from './pacer';
import { SharedPacer } from './sharedPacer';

const pacers = new Map<string, Pacer>();

/**
 * The pacer of one API key: in this process (regular mode), or shared by every process of a
 * queue-mode installation through n8n's Redis (`SharedPacer`, which falls back to this process's
 * own pacing when Redis cannot be reached).
 */
export function pacerFor(baseUrl: string, apiKey: string, logger?: Logger): Pacer {
	const id = keyIdOf(baseUrl, apiKey);
	const coordination = installationCoordination(logger);
	let pacer = pacers.get(id);
	if (!pacer) {
		pacer = coordination ? new SharedPacer(id, coordination, new KeyPacer()) : new KeyPacer();
		pacers.set(id, pacer);
	}
	return pacer;
}

/** For tests only: forget every pacer (and so every pause). */
export function resetPacersForTesting(): void {
	pacers.clear();
}
