// Debian's chromium for the editor check (playwright-core drives it; no browser download).
import fs from 'node:fs';
import { log, run } from './provision.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function ensureChromium() {
	if (fs.existsSync(CHROMIUM)) return CHROMIUM;
	const t0 = Date.now();
	log('Installing Debian\'s chromium with apt-get (about a minute)…');
	const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
	const apt = async (args) => {
		const [cmd, ...rest] = [...asRoot, 'apt-get', ...args];
		await run(cmd, rest, { quiet: true, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	};
	await apt(['update', '-q']);
	await apt(['install', '-y', '-q', '--no-install-recommends', 'chromium', 'fonts-liberation']);
	if (!fs.existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is missing`);
	log(`  chromium installed (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
	return CHROMIUM;
}

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
