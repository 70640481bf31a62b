#!/usr/bin/env node
// Provisions what the real-n8n suites need, ahead of them (`.ci/run` runs this in the background
// while lint, build and jest run): `node stack/ensure.mjs n8n services chromium`.
//   n8n       Node.js 24 and the pinned n8n, into the cache (stack/provision.mjs)
//   services  Debian's redis-server and postgresql, for queue mode, when missing
//   chromium  Debian's chromium, for the browser check, when missing
// Uses nothing outside Node's own modules, so it can run before `npm ci` is done.
import { ensureChromium } from './chromium.mjs';
import { ensureN8n, log } from './provision.mjs';
import { ensureQueueServices } from './services.mjs';

const WHAT = {
	n8n: async () => {
		const n8n = await ensureN8n();
		log(`n8n ${n8n.version} on Node.js 24: ${n8n.dir}`);
	},
	services: async () => {
		await ensureQueueServices();
		log('redis-server and postgresql are installed');
	},
	chromium: async () => log(`chromium: ${await ensureChromium()}`),
};

const asked = process.argv.slice(2);
const unknown = asked.filter((what) => !WHAT[what]);
if (asked.length === 0 || unknown.length > 0) {
	console.error(`usage: node stack/ensure.mjs ${Object.keys(WHAT).join('|')} …${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
	process.exit(2);
}
for (const what of asked) await WHAT[what]();
