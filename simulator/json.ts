/**
 * JSON answers with a random key order: two identical real file/ls answers list keys in
 * different orders (§1 "Envelope", rclone #5421), so clients must not depend on it.
 */

function shuffleInPlace<T>(items: T[]): T[] {
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(Math.random() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
	return items;
}

function withShuffledKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(withShuffledKeys);
	if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
	const copy: Record<string, unknown> = {};
	for (const key of shuffleInPlace(Object.keys(value))) {
		copy[key] = withShuffledKeys((value as Record<string, unknown>)[key]);
	}
	return copy;
}

/** `pretty: 1` asks for indented JSON (§1 "pretty"). */
export function encodeJson(value: unknown, pretty = false): string {
	return JSON.stringify(withShuffledKeys(value), null, pretty ? 4 : undefined);
}
